import { FhirStore } from '@ehr-gateway/fhir-store';
import type { Search } from './check-row';
import { describeConformanceTable } from './conformance-table';
import { conformanceTransaction } from './dataset';

/** The conformance table against the embedded store through its public API (`FhirStore.request`). */
describe('FHIR search conformance: embedded store in process', () => {
  let store: FhirStore;

  beforeAll(async () => {
    store = new FhirStore({ path: ':memory:' });
    const loaded = await store.request({ method: 'POST', path: '', body: conformanceTransaction() });
    expect(loaded.status).toBe(200);
  });
  afterAll(async () => store.close());

  const search: Search = async (pathOrUrl, handling) => {
    const path = pathOrUrl.startsWith(`${store.baseUrl}/`) ? pathOrUrl.slice(store.baseUrl.length + 1) : pathOrUrl;
    const headers: Record<string, string> = handling ? { prefer: `handling=${handling}` } : {};
    try {
      const response = await store.request({ method: 'GET', path, headers });
      return { status: response.status, body: response.body };
    } catch (error) {
      // An exception out of the store is what HTTP would turn into a 500.
      return { status: 500, body: { message: (error as Error).message } };
    }
  };

  describeConformanceTable(() => search, 'in-process');
});
