/**
 * The searches of bench:fhir-store against a store file loaded before (by the
 * bench, or a copy of one): no load, so that search figures can be taken on a
 * large file again and again, and two engines compared on the same data.
 *
 *   npm run bench:fhir-store:search -- --store=/path/to/loaded.sqlite --patients=N --queries=Q
 */
import { FhirStore } from '@ehr-gateway/fhir-store';
import { printSearchFigures, timeSearches } from './search-timing';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const path = arg('store');
const patients = Number(arg('patients') ?? NaN);
const queries = Number(arg('queries') ?? 200);
if (!path || !Number.isInteger(patients) || !Number.isInteger(queries))
  throw new Error('usage: --store=<file> --patients=<patients it was loaded with> [--queries=200]');

void (async () => {
  // The file is opened as the gateway opens it (searches in worker threads); searches do not write.
  const store = new FhirStore({ path });
  // Search workers do not hold the process open (the gateway's server does): this does, until the end.
  const alive = setInterval(() => {}, 60_000);
  try {
    console.log(
      `bench:fhir-store searches on ${path} (${patients.toLocaleString('en-US')} patients), ${queries} timed queries each`,
    );
    const { searches, paging } = await timeSearches(store, patients, queries);
    printSearchFigures(searches, paging);
  } finally {
    clearInterval(alive);
    await store.close();
  }
})();
