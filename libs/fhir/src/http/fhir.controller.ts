import { All, Controller, Get, Inject, Param, Query, Req, Res, UseFilters, UseInterceptors } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import type { Request, Response } from 'express';
import { publicBaseUrl } from '@ehr-gateway/common';
import { FHIR_JSON } from '../constants';
import { FHIR_BASE_PATH } from '../fhir.module-definition';
import { FhirError } from '../errors/fhir-error';
import { FhirGateway } from '../fhir-gateway.service';
import { FhirHandlersExplorer } from '../handlers/fhir-handlers.explorer';
import { FhirOperation } from '../interaction';
import { FHIR_ID_PATTERN, matchFhirRoute } from '../routes/fhir-routes';
import type { FhirResponse } from '../interfaces/fhir-backend.interface';
import { FhirSources } from '../sources/fhir-sources';
import { assertAcceptsJson, assertJsonBody } from './content-negotiation';
import { PresentedCredentialsInterceptor } from './credentials.interceptor';
import { FhirExceptionFilter } from './fhir-exception.filter';
import { FHIR_TAG } from './fhir-openapi';
import { gatewayCapabilityStatement } from './gateway-capability';
import { rewriteLinks } from './link-rewriter';

const PASSED_REQUEST_HEADERS = ['if-match', 'if-none-exist', 'if-none-match', 'prefer'] as const;
const PASSED_RESPONSE_HEADERS = ['etag', 'last-modified', 'location', 'content-location', 'retry-after'] as const;
/** Parameters about the response format, answered by the gateway rather than passed on. */
const FORMAT_PARAMETERS = new Set(['_format', '_pretty']);

function checkId(value: string): string {
  if (!FHIR_ID_PATTERN.test(value)) throw FhirError.badRequest('The id is not a valid FHIR id');
  return value;
}

function passedHeaders(request: Request): Record<string, string> | undefined {
  const headers: Record<string, string> = {};
  for (const name of PASSED_REQUEST_HEADERS) {
    const value = request.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  return Object.keys(headers).length > 0 ? headers : undefined;
}

function queryOf(request: Request): string | undefined {
  const index = request.originalUrl.indexOf('?');
  if (index < 0) return undefined;
  const params = new URLSearchParams(request.originalUrl.slice(index + 1));
  for (const name of FORMAT_PARAMETERS) params.delete(name);
  return params.toString() || undefined;
}

function checkResourceBody(body: unknown, resourceType: string, id?: string): void {
  const resource = body as Resource | undefined;
  if (!resource || typeof resource !== 'object' || Array.isArray(resource)) {
    throw FhirError.badRequest("The body must be a resource of the URL's type");
  }
  if (resource.resourceType !== resourceType) {
    throw FhirError.badRequest("The body's resourceType does not match the URL's type");
  }
  if (id !== undefined && resource.id !== id) {
    throw FhirError.badRequest("The body's id does not match the URL's id");
  }
}

/** The operation an HTTP request under `/fhir/{source}/...` asks for, its path matched against the route table. */
function operationOf(request: Request, segments: string[]): FhirOperation {
  const { route, interaction, resourceType, id, versionId } = matchFhirRoute(request.method, segments);
  const headers = passedHeaders(request);
  const query = queryOf(request);
  switch (route.body) {
    case 'resource':
      assertJsonBody(request, false);
      checkResourceBody(request.body, resourceType!, id);
      return { interaction, resourceType, id, query, body: request.body, headers };
    case 'json-patch':
      assertJsonBody(request, false);
      if (!Array.isArray(request.body)) throw FhirError.badRequest('A PATCH body must be a JSON Patch array');
      return { interaction, resourceType, id, body: request.body, headers };
    case 'search-form': {
      assertJsonBody(request, true);
      // A repeated parameter is sent once per value (AND), exactly as in a GET query.
      const form = new URLSearchParams(
        Object.entries(request.body as Record<string, string | string[]>).flatMap(([name, value]) =>
          (Array.isArray(value) ? value : [value]).map((item): [string, string] => [name, item]),
        ),
      ).toString();
      return { interaction, resourceType, query: [query, form].filter(Boolean).join('&') || undefined, headers };
    }
    case 'bundle': {
      assertJsonBody(request, false);
      const bundle = request.body as Bundle | undefined;
      if (bundle?.resourceType !== 'Bundle' || (bundle.type !== 'transaction' && bundle.type !== 'batch')) {
        throw FhirError.badRequest('POST to a source needs a Bundle of type transaction or batch');
      }
      return { interaction: bundle.type, body: bundle, headers };
    }
    case undefined:
      return { interaction, resourceType, id, versionId, query, headers };
  }
}

/** The FHIR REST surface of every source, plus the gateway's own metadata, status and custom handlers. */
@ApiTags(FHIR_TAG)
@Controller()
@UseFilters(FhirExceptionFilter)
@UseInterceptors(PresentedCredentialsInterceptor)
export class FhirController {
  constructor(
    private readonly gateway: FhirGateway,
    private readonly sources: FhirSources,
    private readonly handlers: FhirHandlersExplorer,
    @Inject(FHIR_BASE_PATH) private readonly basePath: string,
  ) {}

  @Get('metadata')
  @ApiOperation({ summary: "The gateway's CapabilityStatement: its sources and custom handlers" })
  metadata(@Req() request: Request, @Res() response: Response): void {
    assertAcceptsJson(request);
    const statement = gatewayCapabilityStatement(
      this.gatewayBase(request),
      this.sources.names(),
      this.sources.defaultSource,
      [...this.handlers.transforms.keys()],
      [...this.handlers.aggregates.keys()],
    );
    response.status(200).type(FHIR_JSON).send(JSON.stringify(statement));
  }

  /** Each source's reachability, auth mode and token state; never a secret or a token. */
  @Get('status')
  @ApiOperation({ summary: 'Each source: reachable, auth mode, token state (never a secret)' })
  async status(): Promise<{ defaultSource: string; sources: Record<string, unknown> }> {
    return { defaultSource: this.sources.defaultSource, sources: await this.sources.statuses() };
  }

  @Get('transform/:type/:id')
  @ApiOperation({ summary: 'Run the @FhirTransform handler of a resource type on one resource' })
  @ApiParam({ name: 'type', example: 'Patient' })
  @ApiQuery({ name: 'source', required: false, description: 'Default: the default source' })
  async transform(
    @Param('type') type: string,
    @Param('id') id: string,
    @Query('source') source: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    const handler = this.handlers.transforms.get(type);
    if (!handler) throw FhirError.notFound('No @FhirTransform handler for this resource type');
    if (source !== undefined) this.sources.get(source);
    const resource = await handler(checkId(id), source ?? this.sources.defaultSource);
    response.status(200).type(FHIR_JSON).send(JSON.stringify(resource));
  }

  @Get('aggregate/:type')
  @ApiOperation({ summary: 'Run the @FhirAggregate handler of a resource type across sources' })
  @ApiQuery({ name: 'id', required: true })
  @ApiQuery({ name: 'sources', required: false, isArray: true, type: String, description: 'Default: every source' })
  async aggregate(
    @Param('type') type: string,
    @Query('id') id: string | undefined,
    @Query('sources') sources: string | string[] | undefined,
    @Res() response: Response,
  ): Promise<void> {
    const handler = this.handlers.aggregates.get(type);
    if (!handler) throw FhirError.notFound('No @FhirAggregate handler for this resource type');
    if (typeof id !== 'string' || id === '') throw FhirError.badRequest('aggregate needs an id parameter');
    const names = sources === undefined ? this.sources.names() : Array.isArray(sources) ? sources : [sources];
    names.forEach((name) => this.sources.get(name));
    const result = (await handler(checkId(id), names)) as Bundle | Resource[];
    const bundle: Bundle = Array.isArray(result)
      ? {
          resourceType: 'Bundle',
          type: 'collection',
          total: result.length,
          entry: result.map((resource) => ({ resource })),
        }
      : result;
    response.status(200).type(FHIR_JSON).send(JSON.stringify(bundle));
  }

  /** `/fhir/{source}` and everything under it: the interactions of `FHIR_ROUTES`. */
  @ApiExcludeEndpoint()
  @All([':source', ':source/*path'])
  async route(
    @Param('source') source: string,
    @Param('path') path: string[] | string | undefined,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    assertAcceptsJson(request);
    const segments = (Array.isArray(path) ? path : [path ?? '']).filter(Boolean);
    await this.forward(source, operationOf(request, segments), request, response);
  }

  private async forward(source: string, operation: FhirOperation, request: Request, response: Response): Promise<void> {
    // execute() first: an unknown source is a failed operation, with its event.
    const upstream = await this.gateway.execute(source, operation);
    const { backend } = this.sources.get(source);
    this.send(response, rewriteLinks(upstream, backend.baseUrl, `${this.gatewayBase(request)}/${source}`));
  }

  private send(response: Response, answer: FhirResponse): void {
    response.status(answer.status);
    for (const name of PASSED_RESPONSE_HEADERS) {
      if (answer.headers[name]) response.setHeader(name, answer.headers[name]);
    }
    if (answer.body === undefined) {
      response.end();
      return;
    }
    response.type(FHIR_JSON).send(JSON.stringify(answer.body));
  }

  private gatewayBase(request: Request): string {
    return `${publicBaseUrl(request)}/${this.basePath}`;
  }
}
