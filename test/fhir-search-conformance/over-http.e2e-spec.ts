import type { INestApplication } from '@nestjs/common';
import { createTestGateway } from '../support/gateway-app';
import type { Search } from './check-row';
import { describeConformanceTable } from './conformance-table';
import { conformanceTransaction } from './dataset';

type FhirKitClient = import('fhir-kit-client').Client;
type FhirKitResource = import('fhir-kit-client').FhirResource;

interface FhirKitError {
  response?: { status: number; data: unknown };
}

/** The conformance table through the composed gateway's /fhir/local, with a real FHIR client. */
describe('FHIR search conformance: /fhir/local over HTTP with fhir-kit-client', () => {
  let app: INestApplication;
  let client: FhirKitClient;

  beforeAll(async () => {
    app = await createTestGateway({ FHIR_SEED_PATIENTS: '0' });
    await app.listen(0, '127.0.0.1');
    const { Client } = await import('fhir-kit-client');
    client = new Client({ baseUrl: `${await app.getUrl()}/fhir/local` });
    const loaded = (await client.transaction({ body: conformanceTransaction() as unknown as FhirKitResource })) as {
      type?: string;
    };
    expect(loaded.type).toBe('transaction-response');
  });
  afterAll(async () => app.close());

  const search: Search = async (pathOrUrl, handling) => {
    const headers: Record<string, string> = handling ? { prefer: `handling=${handling}` } : {};
    try {
      return { status: 200, body: await client.request(pathOrUrl, { options: { headers } }) };
    } catch (error) {
      const response = (error as FhirKitError).response;
      if (!response) throw error;
      return { status: response.status, body: response.data };
    }
  };

  describeConformanceTable(() => search, 'http');
});
