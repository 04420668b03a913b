import type { Bundle, OperationOutcome } from '@medplum/fhirtypes';
import { FhirStore } from './fhir-store';

describe('history under the time budget', () => {
  it('is stopped with too-costly, like a search, once the budget has passed', async () => {
    // A budget already spent when the statement starts: the first version examined stops it.
    const store = new FhirStore({ path: ':memory:', searchBudgetMs: -1 });
    try {
      const created = await store.request({ method: 'POST', path: 'Patient', body: { resourceType: 'Patient' } });
      expect(created.status).toBe(201);
      for (const path of ['_history', 'Patient/_history']) {
        const response = await store.request({ method: 'GET', path });
        expect([path, response.status, (response.body as OperationOutcome).issue?.[0]?.code]).toEqual([
          path,
          400,
          'too-costly',
        ]);
      }
    } finally {
      await store.close();
    }
  });

  it('answers within a budget, with its total', async () => {
    const store = new FhirStore({ path: ':memory:' });
    try {
      await store.request({ method: 'POST', path: 'Patient', body: { resourceType: 'Patient' } });
      const history = (await store.request({ method: 'GET', path: '_history' })).body as Bundle;
      expect(history.total).toBe(1);
    } finally {
      await store.close();
    }
  });
});
