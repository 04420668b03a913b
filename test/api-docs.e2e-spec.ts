import type { INestApplication } from '@nestjs/common';
import type { OpenAPIObject, ResponseObject } from '@nestjs/swagger';
import { FHIR_ROUTES } from '@ehr-gateway/fhir';
import request from 'supertest';
import { version } from '../package.json';
import { createTestGateway } from './support/gateway-app';

interface RouteLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

/** Every route the Express app behind Nest serves, as (method, OpenAPI path); `@All` routes as method `all`. */
function registeredRoutes(app: INestApplication): Array<{ method: string; path: string }> {
  const express = app.getHttpAdapter().getInstance() as { router: { stack: RouteLayer[] } };
  return express.router.stack.flatMap(({ route }) => {
    if (!route || route.path.startsWith('/docs') || route.path.startsWith('{')) return [];
    const path = route.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const methods = Object.keys(route.methods);
    return methods.length > 10 ? [{ method: 'all', path }] : methods.map((method) => ({ method, path }));
  });
}

describe('API documentation (/docs-json)', () => {
  const responseContent = (path: string, method: 'get' | 'post', status: string) =>
    (document.paths[path][method]!.responses[status] as ResponseObject).content!;

  let app: INestApplication;
  let document: OpenAPIObject;

  beforeAll(async () => {
    app = await createTestGateway();
    document = (await request(app.getHttpServer()).get('/docs-json').expect(200)).body as OpenAPIObject;
  }, 60_000); // the composed gateway and the first document build, on a loaded machine
  afterAll(async () => app.close());

  it('documents every route Nest registers; the FHIR catch-all as each interaction of the route table', () => {
    const routes = registeredRoutes(app);
    expect(routes.length).toBeGreaterThan(10);
    const undocumented = routes.flatMap(({ method, path }) => {
      if (method !== 'all') return document.paths[path]?.[method as 'get'] ? [] : [`${method} ${path}`];
      // `/fhir/{source}` and `/fhir/{source}/{path}` serve the interactions of FHIR_ROUTES.
      expect(path).toMatch(/^\/fhir\/\{source\}/);
      return FHIR_ROUTES.flatMap((route) => {
        const documented = `/fhir/{source}${route.path ? `/${route.path}` : ''}`;
        return document.paths[documented]?.[route.method.toLowerCase() as 'get']
          ? []
          : [`${route.method} ${documented}`];
      });
    });
    expect(undocumented).toEqual([]);
  });

  it('has human tags, summaries and error responses on every operation, and the package version', () => {
    expect(document.info.version).toBe(version);
    expect(document.tags?.map((tag) => tag.name)).toEqual([
      'FHIR',
      'CDS Hooks',
      'Epic NoteReader',
      'Health',
      'Console',
    ]);
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        expect({ path, method, tag: operation.tags?.[0], summary: Boolean(operation.summary) }).toEqual({
          path,
          method,
          tag: expect.stringMatching(/^(FHIR|CDS Hooks|Epic NoteReader|Health|Console)$/),
          summary: true,
        });
      }
    }
    expect(responseContent('/fhir/{source}/{type}/{id}', 'get', '404')['application/fhir+json'].schema).toEqual({
      $ref: '#/components/schemas/OperationOutcome',
    });
    expect(responseContent('/cds-services/{id}', 'post', '400')['application/json'].schema).toEqual({
      $ref: '#/components/schemas/CdsError',
    });
    expect(responseContent('/notereader', 'post', '500')['text/xml'].example).toContain('<soap:Fault>');
  });

  it('documents the parameters and headers of the FHIR interactions', () => {
    const names = (path: string, method: 'get' | 'put' | 'post') =>
      (document.paths[path][method]?.parameters as Array<{ name: string; in: string }>).map((p) => `${p.in}:${p.name}`);
    expect(names('/fhir/{source}/{type}/{id}', 'get')).toEqual(
      expect.arrayContaining(['path:source', 'path:type', 'path:id', 'header:If-None-Match']),
    );
    expect(names('/fhir/{source}/{type}/{id}', 'put')).toEqual(expect.arrayContaining(['header:If-Match']));
    expect(names('/fhir/{source}/{type}', 'post')).toEqual(expect.arrayContaining(['header:If-None-Exist']));
    expect(names('/fhir/{source}/{type}/{id}/_history/{vid}', 'get')).toEqual(expect.arrayContaining(['path:vid']));
  });

  it("has CDS examples that 'Try it out' can send as they are: one per service, each answering 200", async () => {
    const invoke = document.paths['/cds-services/{id}'].post!;
    const examples = (
      invoke.requestBody as { content: Record<string, { examples: Record<string, { value: unknown }> }> }
    ).content['application/json'].examples;
    const discovery = await request(app.getHttpServer()).get('/cds-services').expect(200);
    const services = (discovery.body as { services: Array<{ id: string; hook: string }> }).services;
    expect(Object.keys(examples).sort()).toEqual(services.map((service) => service.id).sort());
    for (const service of services) {
      const example = examples[service.id].value as { hook: string };
      expect(example.hook).toBe(service.hook);
      const response = await request(app.getHttpServer()).post(`/cds-services/${service.id}`).send(example);
      expect({ id: service.id, status: response.status }).toEqual({ id: service.id, status: 200 });
    }
  });

  it('has a NoteReader example that the endpoint processes', async () => {
    const body = document.paths['/notereader'].post!.requestBody as { content: Record<string, { example: string }> };
    const response = await request(app.getHttpServer())
      .post('/notereader')
      .set('content-type', 'text/xml')
      .send(body.content['text/xml'].example)
      .expect(200);
    expect(response.text).toContain('<ProcessDocumentResponse');
    expect(response.text).toContain('<Document>');
  });

  it('has a FHIR create example that the store accepts', async () => {
    const create = document.paths['/fhir/{source}/{type}'].post!.requestBody as {
      content: Record<string, { example: unknown }>;
    };
    await request(app.getHttpServer())
      .post('/fhir/local/Patient')
      .set('content-type', 'application/fhir+json')
      .send(create.content['application/fhir+json'].example as object)
      .expect(201);
  });
});
