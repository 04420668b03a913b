import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import { RequestContextService } from '@ehr-gateway/events';

/**
 * Lookups an access policy makes for its own decision (a CareTeam search through
 * `FhirGateway`): the FHIR operations started inside `run` are the gateway's own
 * code and are not checked, though the request they serve carries a caller (they
 * would otherwise be checked against that caller, and a policy asked again while
 * it decides). Their events keep the request's id and caller, with no decision.
 */
@Injectable()
export class PolicyLookups {
  private readonly lookups = new AsyncLocalStorage<true>();

  constructor(private readonly requestContext: RequestContextService) {}

  run<T>(lookup: () => T): T {
    const context = { ...this.requestContext.current(), authorization: undefined };
    return this.requestContext.run(context, () => this.lookups.run(true, lookup));
  }

  /** Whether the current operation was started inside `run`. */
  get active(): boolean {
    return this.lookups.getStore() === true;
  }
}
