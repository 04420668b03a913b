import { FhirStore } from '@ehr-gateway/fhir-store';
import type { Search } from './check-row';
import { describeConformanceTable } from './conformance-table';
import { conformanceTransaction } from './dataset';

/** Booting the store loads the R4 definitions: slow on a loaded machine. */
const BOOT_TIMEOUT_MS = 120_000;

/** The conformance table against the embedded store through its public API (`FhirStore.request`). */
export function describeInProcessConformance(title: string): void {
  describe(title, () => {
    let store: FhirStore;

    beforeAll(async () => {
      store = new FhirStore({ path: ':memory:' });
      const loaded = await store.request({ method: 'POST', path: '', body: conformanceTransaction() });
      expect(loaded.status).toBe(200);
    }, BOOT_TIMEOUT_MS);
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
}
