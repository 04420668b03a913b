import { Injectable } from '@nestjs/common';
import { OperationFacts } from '@ehr-gateway/events';
import { invocationEventType } from './cds-event-type';
import { CdsServicesExplorer } from './cds-services.explorer';
import { CONTEXT_DTO, CdsRequestDto } from './dto/cds-request.dto';
import { problemsOf } from './dto/validate';
import { CdsError } from './http/cds-errors';
import type { CdsResponse } from './dto/cds-response.dto';
import type { CdsServiceDefinition } from './interfaces/cds.interfaces';
import { responseProblems } from './http/response-validation';
import { PrefetchService } from './prefetch/prefetch.service';

/** The body with `context` and `prefetch` reduced to empty objects of the same kind. */
function shallow(body: unknown): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  const { context, prefetch, ...rest } = body as Record<string, unknown>;
  const emptied = (value: unknown) => (value && typeof value === 'object' && !Array.isArray(value) ? {} : value);
  return { ...rest, context: emptied(context), prefetch: emptied(prefetch) };
}

/**
 * One CDS service call, however it arrived (HTTP or message): validation,
 * prefetch completion, the handler, the response check. Errors are `CdsError`s.
 */
@Injectable()
export class CdsInvoker {
  constructor(
    private readonly services: CdsServicesExplorer,
    private readonly prefetch: PrefetchService,
    private readonly facts: OperationFacts,
  ) {}

  async invoke(id: string, body: unknown): Promise<CdsResponse> {
    const service = this.services.get(id);
    if (!service) throw new CdsError(404, 'No CDS service with this id');
    const validated = this.validate(service.definition, body);
    const { prefetch, fetched } = await this.prefetch.complete(service.definition, validated);
    this.facts.add(invocationEventType(service.definition.hook), { prefetchFetched: fetched });
    let response: CdsResponse;
    try {
      response = await service.handler.handle({ ...validated, prefetch });
    } catch (error) {
      throw new CdsError(
        500,
        `CDS service '${id}' failed: ${error instanceof Error ? error.message : String(error)}`,
        [],
        `CDS service '${id}' failed`,
      );
    }
    const problems = responseProblems(response);
    if (problems.length > 0) throw new CdsError(500, `CDS service '${id}' returned an invalid response`, problems);
    return response;
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
