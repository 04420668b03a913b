import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions } from '@nestjs/microservices';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { FHIR_JSON, bodyParserOutcome, bodyParserProblem } from '@ehr-gateway/fhir';
import { SoapFault, faultEnvelope } from '@ehr-gateway/notereader';
import { json, text, type NextFunction, type Request, type Response } from 'express';
import { Logger } from 'nestjs-pino';
import { setupApiDocs } from './api-docs';
import type { GatewayConfig } from './config/gateway-config';
import { mountConsole } from './console/console-assets';
import { GatewayModule, type GatewayExtensions } from './gateway.module';
import { GatewayMetrics } from './observability/gateway-metrics';
import { httpMetricsMiddleware } from './observability/http-metrics.middleware';
import { applyHttpSecurity } from './security/http-security';
import { checkJsonBody } from './security/json-depth';
import { BootstrapQuietLogger, withoutCredentials } from '@ehr-gateway/common';
import { StartupFailure } from '@ehr-gateway/config';
import { NamespacedNatsServer } from './transport/namespaced-nats.server';

const JSON_MEDIA_TYPES = [
  'application/json',
  'application/fhir+json',
  'application/json+fhir',
  'application/json-patch+json',
];

const XML_MEDIA_TYPES = ['text/xml', 'application/soap+xml', 'application/xml'];

/** The console's CDA-to-FHIR view (`CdaFhirController`): the one route besides NoteReader that reads XML. */
const CONSOLE_CDA_PATH = '/console/cda/fhir';

type BodyErrorAnswer = (problem: { status: number; diagnostics: string }, response: Response) => void;

/**
 * A body the parsers refused (malformed, too large, an unsupported charset or
 * encoding, too many parameters) answers in the protocol's own error form, in
 * fixed words (`bodyParserProblem`); other errors go on.
 */
const answerBodyParserErrors =
  (answer: BodyErrorAnswer) =>
  (error: unknown, _request: Request, response: Response, next: NextFunction): void => {
    const problem = bodyParserProblem(error);
    if (problem) answer(problem, response);
    else next(error);
  };

/** NoteReader: a `soap:Client` fault, HTTP 500 as SOAP 1.1 prescribes. */
const soapFaultAnswer: BodyErrorAnswer = ({ diagnostics }, response) =>
  void response
    .status(500)
    .type('text/xml; charset=utf-8')
    .send(faultEnvelope(new SoapFault('Client', diagnostics)));

const fhirAnswer: BodyErrorAnswer = (problem, response) => {
  const { status, outcome } = bodyParserOutcome(problem);
  response.status(status).type(FHIR_JSON).send(JSON.stringify(outcome));
};

const plainAnswer: BodyErrorAnswer = ({ status, diagnostics }, response) =>
  void response.status(status).json({ statusCode: status, message: diagnostics });

/** Builds the gateway application (not listening yet): the one place main.ts and the e2e suites share. */
export async function createGatewayApp(
  config: GatewayConfig,
  extraImports: DynamicModule['imports'] = [],
  extensions: GatewayExtensions = {},
): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    GatewayModule.register(config, extraImports, extensions),
    {
      bufferLogs: true,
      bodyParser: false,
    },
  );
  app.useLogger(new BootstrapQuietLogger(app.get(Logger)));
  app.use(httpMetricsMiddleware(app.get(GatewayMetrics)));
  if (config.gateway.auth.includes('none') && config.gateway.environment !== 'test') {
    app
      .get(Logger)
      .warn('No inbound authentication (GATEWAY_AUTH=none): every route is open to anyone who can reach this port');
  }
  applyHttpSecurity(app, config);
  app.disable('x-powered-by');
  // ETags are the FHIR version ids the sources set, never Express's hash of the body.
  app.set('etag', false);
  // Express's own parser, since Nest's useBodyParser keeps `verify` for itself: the depth check runs before parsing.
  app.use(
    json({
      limit: config.gateway.bodyLimit,
      type: JSON_MEDIA_TYPES,
      verify: checkJsonBody(config.gateway.jsonMaxDepth),
    }),
  );
  app.useBodyParser('urlencoded', { limit: config.gateway.bodyLimit, extended: false });
  // XML text only where it is read (NoteReader's SOAP, the console's CDA view); base64 makes a document about a
  // third larger. Mounted like the routes, so matched as they are (any case, a trailing slash).
  const noteReaderPath = `/${config.notereader.path}`;
  const xmlText = text({
    limit: Math.ceil(config.notereader.maxDocumentBytes * 1.4) + 64 * 1024,
    type: XML_MEDIA_TYPES,
  });
  app.use([noteReaderPath, CONSOLE_CDA_PATH], xmlText);
  app.use(noteReaderPath, answerBodyParserErrors(soapFaultAnswer));
  app.use(`/${config.fhir.basePath}`, answerBodyParserErrors(fhirAnswer));
  app.use(answerBodyParserErrors(plainAnswer));
  app.enableShutdownHooks();
  if (config.console.enabled) mountConsole(app);

  setupApiDocs(app, config);
  if (config.gateway.transport) {
    // A hybrid app: the same pipes, filters and interceptors apply to message handlers; instances
    // share a NATS queue group, so each message is handled once.
    const { url, queue, subjectPrefix } = config.gateway.transport;
    app.connectMicroservice<MicroserviceOptions>(
      { strategy: new NamespacedNatsServer({ servers: [url], queue }, subjectPrefix, config.gateway.jsonMaxDepth) },
      { inheritAppConfig: true },
    );
    await app.startAllMicroservices().catch((error: Error) => {
      throw new StartupFailure(
        'GATEWAY_TRANSPORT',
        `cannot connect to ${withoutCredentials(url)} (${error.message})`,
        'Start NATS there, or unset GATEWAY_TRANSPORT to serve HTTP only',
      );
    });
  }
  return app;
}
