import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { CDS_TAG, CdsServicesExplorer, cdsOpenApi } from '@ehr-gateway/cds';
import { FHIR_TAG, fhirOpenApi } from '@ehr-gateway/fhir';
import { NOTEREADER_TAG, noteReaderOpenApi } from '@ehr-gateway/notereader';
import { version } from '../../../package.json';
import type { GatewayConfig } from './config/gateway-config';
import { guardApiDocs } from './security/api-docs';

export const HEALTH_TAG = 'Health';
export const CONSOLE_TAG = 'Console';

/**
 * `/docs` (Swagger UI) and `/docs-json`: the routes Nest scans (health, the
 * gateway's own FHIR endpoints), plus what the libraries describe themselves:
 * every FHIR interaction from the route table, the CDS Hooks routes with a
 * runnable example per service, the NoteReader SOAP endpoint. Built on first
 * request, once the CDS services are discovered.
 */
export function setupApiDocs(app: INestApplication, config: GatewayConfig): void {
  if (config.gateway.docs === 'off') return;
  guardApiDocs(app, config);
  const build = (): OpenAPIObject => {
    const scanned = SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('ehr-gateway')
        .setDescription(
          'FHIR R4, CDS Hooks 2.0 and Epic NoteReader gateway with an event for every operation. ' +
            'FHIR errors are OperationOutcomes, CDS errors `{ error, message, details }`, NoteReader errors `soap:Fault`.',
        )
        .setVersion(version)
        .addTag(FHIR_TAG, 'FHIR R4 REST API of every source: the embedded store (`local`) and upstream servers')
        .addTag(CDS_TAG, 'CDS Hooks 2.0 services: discovery, invoke, feedback')
        .addTag(NOTEREADER_TAG, 'The Epic NoteReader SOAP endpoint (ProcessDocument)')
        .addTag(HEALTH_TAG, 'Liveness, readiness and metrics')
        .addTag(CONSOLE_TAG, 'The web console and its live event stream')
        .addBearerAuth()
        .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' })
        .build(),
    );
    const parts: Array<Pick<OpenAPIObject, 'paths' | 'components'>> = [
      fhirOpenApi(`/${config.fhir.basePath}`),
      cdsOpenApi(
        config.cds.basePath,
        app
          .get(CdsServicesExplorer)
          .all()
          .map((service) => service.definition),
      ),
      noteReaderOpenApi(config.notereader.path),
    ];
    const paths: OpenAPIObject['paths'] = { ...scanned.paths };
    const schemas = { ...scanned.components?.schemas };
    for (const part of parts) {
      Object.assign(paths, part.paths);
      Object.assign(schemas, part.components?.schemas);
    }
    return { ...scanned, paths, components: { ...scanned.components, schemas } };
  };
  SwaggerModule.setup('docs', app, build);
}
