import { Body, Get, HttpCode, Param, Post, Req, UseFilters, UseInterceptors } from '@nestjs/common';
import { RequestContextService } from '@ehr-gateway/events';
import type { Request } from 'express';
import { CdsServicesExplorer } from '../cds-services.explorer';
import { CONTEXT_DTO, CdsRequestDto, FeedbackDto } from '../dto/cds-request.dto';
import { problemsOf } from '../dto/validate';
import { FeedbackStore } from '../feedback/feedback.store';
import type { CdsResponse, CdsServiceDefinition } from '../interfaces/cds.interfaces';
import { CdsJwtVerifier } from '../jwt/cds-jwt.verifier';
import { PrefetchService } from '../prefetch/prefetch.service';
import { CdsError, CdsExceptionFilter } from './cds-errors';
import { CDS_CALL_FACTS, CdsCallFacts, CdsEventsInterceptor } from './cds-events.interceptor';
import { responseProblems } from './response-validation';

type CdsHttpRequest = Request & { [CDS_CALL_FACTS]?: CdsCallFacts };

/** The body with `context` and `prefetch` reduced to empty objects of the same kind. */
function shallow(body: unknown): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  const { context, prefetch, ...rest } = body as Record<string, unknown>;
  const emptied = (value: unknown) => (value && typeof value === 'object' && !Array.isArray(value) ? {} : value);
  return { ...rest, context: emptied(context), prefetch: emptied(prefetch) };
}

/**
 * The CDS Hooks 2.0 routes. The path prefix is applied by `CdsModule`
 * (`@Controller(basePath)` on a subclass), so it can be configured.
 */
@UseFilters(CdsExceptionFilter)
@UseInterceptors(CdsEventsInterceptor)
export class CdsController {
  constructor(
    private readonly services: CdsServicesExplorer,
    private readonly prefetch: PrefetchService,
    private readonly jwt: CdsJwtVerifier,
    private readonly feedbackStore: FeedbackStore,
    private readonly requestContext: RequestContextService,
  ) {}

  @Get()
  async discovery(@Req() request: Request): Promise<{ services: CdsServiceDefinition[] }> {
    await this.authenticate(request);
    return {
      services: this.services.all().map(({ definition }) => ({
        hook: definition.hook,
        title: definition.title,
        description: definition.description,
        id: definition.id,
        prefetch: definition.prefetch,
        usageRequirements: definition.usageRequirements,
      })),
    };
  }

  @Post(':id')
  @HttpCode(200)
  async invoke(@Param('id') id: string, @Body() body: unknown, @Req() request: CdsHttpRequest): Promise<CdsResponse> {
    await this.authenticate(request);
    const service = this.services.get(id);
    if (!service) throw new CdsError(404, `No CDS service '${id}'`);
    const validated = this.validate(service.definition, body);
    const facts: CdsCallFacts = {};
    request[CDS_CALL_FACTS] = facts;
    const { prefetch, fetched } = await this.prefetch.complete(service.definition, validated);
    facts.prefetchFetched = fetched;

    let response: CdsResponse;
    try {
      response = await service.handler.handle({ ...validated, prefetch });
    } catch (error) {
      throw new CdsError(500, `CDS service '${id}' failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    const problems = responseProblems(response);
    if (problems.length > 0) throw new CdsError(500, `CDS service '${id}' returned an invalid response`, problems);
    return response;
  }

  @Post(':id/feedback')
  @HttpCode(200)
  async feedback(@Param('id') id: string, @Body() body: unknown, @Req() request: Request): Promise<{ stored: number }> {
    await this.authenticate(request);
    if (!this.services.get(id)) throw new CdsError(404, `No CDS service '${id}'`);
    const problems = problemsOf(FeedbackDto, body);
    if (problems.length > 0) throw new CdsError(400, 'Invalid feedback', problems);
    return { stored: this.feedbackStore.save(id, (body as FeedbackDto).feedback) };
  }

  private async authenticate(request: Request): Promise<void> {
    if (!this.jwt.enabled) return;
    this.requestContext.setUser(await this.jwt.verify(request));
  }

  private validate(definition: CdsServiceDefinition, body: unknown): CdsRequestDto {
    const request = body as CdsRequestDto;
    // The base DTO checks that context and prefetch are objects; their contents are checked
    // below (context per hook, prefetch per key), so class-transformer need not copy them whole.
    const problems = problemsOf(CdsRequestDto, shallow(body));
    if (problems.length === 0) {
      if (request.hook !== definition.hook) {
        problems.push(
          `hook '${request.hook}' does not match service '${definition.id}', which answers '${definition.hook}'`,
        );
      }
      const contextDto = CONTEXT_DTO[definition.hook];
      if (contextDto) problems.push(...problemsOf(contextDto, request.context, 'context.'));
      if (request.prefetch) {
        for (const [key, value] of Object.entries(request.prefetch)) {
          if (
            value !== null &&
            (typeof value !== 'object' || typeof (value as { resourceType?: unknown }).resourceType !== 'string')
          ) {
            problems.push(`prefetch.${key} must be a FHIR resource or null`);
          }
        }
      }
    }
    if (problems.length > 0) throw new CdsError(400, 'Invalid CDS Hooks request', problems);
    return request;
  }
}
