import type { INestApplication } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { Bundle, CapabilityStatement } from '@medplum/fhirtypes';
import request from 'supertest';
import { createTestGateway } from './support/gateway-app';
import { SmartAuthorizationServer } from './support/smart-authorization-server';

const PUBLIC_URL = 'https://gateway.example.org';

/**
 * Mount paths configured away from their defaults (`RouterModule` in each
 * protocol module): the routes move, and everything the gateway writes that
 * names them (links, CapabilityStatement, WSDL address, discovery, /docs) follows.
 */
describe('configurable mount paths (FHIR_BASE_PATH, CDS_BASE_PATH, NOTEREADER_PATH)', () => {
  let app: INestApplication;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await createTestGateway({
      GATEWAY_PUBLIC_URL: PUBLIC_URL,
      FHIR_BASE_PATH: 'api/fhir',
      CDS_BASE_PATH: 'hooks/cds',
      NOTEREADER_PATH: 'epic/notereader',
    });
  }, 60_000);
  afterAll(async () => app?.close());

  it('serves FHIR under the configured base, with links and the CapabilityStatement naming it', async () => {
    const search = await http().get('/api/fhir/local/Patient?_count=1').expect(200);
    const bundle = search.body as Bundle;
    expect(bundle.entry).toHaveLength(1);
    const self = bundle.link?.find((link) => link.relation === 'self')?.url;
    const next = bundle.link?.find((link) => link.relation === 'next')?.url;
    expect(self?.startsWith(`${PUBLIC_URL}/api/fhir/local/Patient?`)).toBe(true);
    expect(next?.startsWith(`${PUBLIC_URL}/api/fhir/local/Patient?`)).toBe(true);
    expect(bundle.entry![0].fullUrl).toBe(`${PUBLIC_URL}/api/fhir/local/Patient/${bundle.entry![0].resource!.id}`);
    await http().get(next!.slice(PUBLIC_URL.length)).expect(200);

    const metadata = (await http().get('/api/fhir/metadata').expect(200)).body as CapabilityStatement;
    expect(metadata.implementation?.url).toBe(`${PUBLIC_URL}/api/fhir`);
    await http().get('/fhir/local/Patient').expect(404);
  });

  it('serves CDS discovery and invoke under the configured base', async () => {
    const discovery = await http().get('/hooks/cds').expect(200);
    const services = discovery.body.services as Array<{ id: string; hook: string }>;
    expect(services.length).toBeGreaterThan(0);
    const bundle = (await http().get('/api/fhir/local/Patient?_count=1').expect(200)).body as Bundle;
    const patientId = bundle.entry![0].resource!.id!;
    const service = services.find((candidate) => candidate.hook === 'patient-view')!;
    const invoked = await http()
      .post(`/hooks/cds/${service.id}`)
      .send({
        hook: 'patient-view',
        hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea',
        context: { userId: 'Practitioner/example', patientId },
      })
      .expect(200);
    expect(Array.isArray(invoked.body.cards)).toBe(true);
    await http().get('/cds-services').expect(404);
  });

  it('serves NoteReader at the configured path, with the WSDL address naming it', async () => {
    const wsdl = await http().get('/epic/notereader?wsdl').expect(200);
    expect(wsdl.text).toContain(`<soap:address location="${PUBLIC_URL}/epic/notereader"/>`);
    await http().get('/notereader?wsdl').expect(404);
  });

  it('documents the routes where they are (/docs-json)', async () => {
    const document = (await http().get('/docs-json').expect(200)).body as OpenAPIObject;
    const paths = Object.keys(document.paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/fhir/{source}/{type}/{id}',
        '/api/fhir/metadata',
        '/hooks/cds',
        '/hooks/cds/{id}',
        '/epic/notereader',
      ]),
    );
    expect(paths.filter((path) => /^\/(fhir|cds-services|notereader)(\/|$)/.test(path))).toEqual([]);
  });
});

describe('SMART discovery under a configured FHIR base path', () => {
  let authServer: SmartAuthorizationServer;
  let app: INestApplication;

  beforeAll(async () => {
    authServer = await new SmartAuthorizationServer(`${PUBLIC_URL}/api/fhir`).start();
    app = await createTestGateway({ ...authServer.gatewayEnv(), FHIR_BASE_PATH: 'api/fhir' });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await authServer?.stop();
  });

  it('answers .well-known/smart-configuration beside the FHIR surface, not at /fhir', async () => {
    for (const path of [
      '/api/fhir/.well-known/smart-configuration',
      '/api/fhir/local/.well-known/smart-configuration',
    ]) {
      const response = await request(app.getHttpServer()).get(path).expect(200);
      expect(response.body).toMatchObject({ issuer: authServer.issuer, token_endpoint: `${authServer.issuer}/token` });
    }
    await request(app.getHttpServer()).get('/fhir/.well-known/smart-configuration').expect(404);
  });
});
