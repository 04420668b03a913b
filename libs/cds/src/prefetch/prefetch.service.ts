import { Injectable } from '@nestjs/common';
import { FhirError, FhirGateway, FhirOperation, entryOperation, isOperationOutcome } from '@ehr-gateway/fhir';
import { inSpan } from '@ehr-gateway/common';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { InjectCdsOptions } from '../cds.module-definition';
import { CdsError } from '../http/cds-errors';
import type { CdsModuleOptions } from '../interfaces/cds-module-options.interface';
import type { CdsRequest, CdsServiceDefinition, FhirAuthorization } from '../interfaces/cds.interfaces';
import { renderPrefetchTemplate } from './prefetch-template';
import { CDS_DEFAULTS } from '../constants';

type Prefetched = Resource | Bundle | null;

export interface CompletedPrefetch {
  prefetch: Record<string, Prefetched>;
  /** Keys the gateway fetched because the client omitted them. */
  fetched: string[];
}

/** The gateway operation a rendered prefetch query stands for (`Type/id`, `Type?query`, ...), read with the FHIR route table. */
function operationOf(query: string): FhirOperation {
  const operation = entryOperation('GET', query);
  if (!operation)
    throw new CdsError(
      412,
      `Prefetch query '${query}' is not a FHIR read or search`,
      [],
      'A prefetch query is not a FHIR read or search',
    );
  return operation;
}

/**
 * Completes a request's prefetch: keys the client sent (values or `null`) are
 * kept; omitted keys are fetched concurrently within a time budget, from the
 * request's `fhirServer` with its bearer token when that host is allow-listed,
 * otherwise through a gateway source. Data that cannot be obtained is a 412.
 */
@Injectable()
export class PrefetchService {
  private readonly allowedHosts: Set<string>;

  constructor(
    private readonly fhir: FhirGateway,
    @InjectCdsOptions() private readonly options: CdsModuleOptions,
  ) {
    this.allowedHosts = new Set((options.allowedFhirServerHosts ?? []).map((host) => host.toLowerCase()));
  }

  async complete(
    definition: CdsServiceDefinition,
    request: Omit<CdsRequest, 'prefetch'> & { prefetch?: Record<string, unknown> },
  ): Promise<CompletedPrefetch> {
    const given = request.prefetch ?? {};
    const prefetch: Record<string, Prefetched> = {};
    const missing: Array<[string, string | undefined]> = [];
    for (const [key, template] of Object.entries(definition.prefetch ?? {})) {
      if (key in given) prefetch[key] = given[key] as Prefetched;
      else missing.push([key, renderPrefetchTemplate(template, request.context)]);
    }
    if (missing.length === 0) return { prefetch, fetched: [] };

    const budget = AbortSignal.timeout(this.options.prefetchTimeoutMs ?? CDS_DEFAULTS.prefetchTimeoutMs);
    const fromServer = this.isAllowListed(request.fhirServer) ? request.fhirServer : undefined;
    const spanAttributes = { 'cds.service': definition.id, 'cds.prefetch.keys': missing.map(([key]) => key).join(',') };
    const results = await inSpan('cds.prefetch', spanAttributes, () =>
      Promise.all(
        missing.map(async ([key, query]) => {
          if (query === undefined) return [key, null] as const;
          const value = fromServer
            ? await this.fetchFromServer(fromServer, query, request.fhirAuthorization, budget)
            : await this.fetchFromGateway(query, budget);
          return [key, value] as const;
        }),
      ),
    ).catch((error: unknown) => {
      if (error instanceof CdsError) throw error;
      throw new CdsError(
        412,
        `Prefetch data could not be obtained: ${(error as Error).message}`,
        [],
        'Prefetch data could not be obtained',
      );
    });
    for (const [key, value] of results) prefetch[key] = value;
    return { prefetch, fetched: missing.map(([key]) => key) };
  }

  private isAllowListed(fhirServer: string | undefined): fhirServer is string {
    if (!fhirServer) return false;
    try {
      return this.allowedHosts.has(new URL(fhirServer).host.toLowerCase());
    } catch {
      return false;
    }
  }

  private async fetchFromGateway(query: string, budget: AbortSignal): Promise<Prefetched> {
    const response = await raceBudget(this.fhir.execute(this.options.prefetchSource, operationOf(query)), budget);
    if (response.status === 404 || response.status === 410) return null;
    if (response.status >= 400) {
      const reason = isOperationOutcome(response.body) ? response.body.issue?.[0]?.diagnostics : undefined;
      throw new CdsError(
        412,
        `Prefetch query '${query}' failed with HTTP ${response.status}${reason ? `: ${reason}` : ''}`,
        [],
        `A prefetch query failed with HTTP ${response.status}`,
      );
    }
    return response.body as Prefetched;
  }

  private async fetchFromServer(
    fhirServer: string,
    query: string,
    authorization: FhirAuthorization | undefined,
    budget: AbortSignal,
  ): Promise<Prefetched> {
    let response: Response;
    try {
      response = await fetch(`${fhirServer.replace(/\/+$/, '')}/${query}`, {
        headers: {
          accept: 'application/fhir+json',
          ...(authorization ? { authorization: `Bearer ${authorization.access_token}` } : {}),
        },
        signal: budget,
      });
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      throw new CdsError(
        412,
        `Prefetch query '${query}' ${timedOut ? 'exceeded the time budget' : 'could not reach the FHIR server'}`,
        [],
        `A prefetch query ${timedOut ? 'exceeded the time budget' : 'could not reach the FHIR server'}`,
      );
    }
    if (response.status === 404 || response.status === 410) return null;
    if (!response.ok)
      throw new CdsError(
        412,
        `Prefetch query '${query}' failed with HTTP ${response.status} from the FHIR server`,
        [],
        `A prefetch query failed with HTTP ${response.status} from the FHIR server`,
      );
    return (await response.json()) as Prefetched;
  }
}

async function raceBudget<T>(work: Promise<T>, budget: AbortSignal): Promise<T> {
  if (budget.aborted) throw new CdsError(412, 'Prefetch exceeded the time budget');
  return Promise.race([
    work.catch((error: unknown) => {
      if (error instanceof FhirError)
        throw new CdsError(412, `Prefetch failed: ${error.message}`, [], `Prefetch failed: ${error.problem}`);
      throw error;
    }),
    new Promise<never>((_, reject) =>
      budget.addEventListener('abort', () => reject(new CdsError(412, 'Prefetch exceeded the time budget')), {
        once: true,
      }),
    ),
  ]);
}
