import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { EHREvent, OnBrokerEvent } from '@ehr-gateway/events';
import { type SourceDefinition, UpstreamFhirBackend } from '@ehr-gateway/fhir';
import { toBalpAuditEvent } from './balp-audit-event';

export interface AuditConsumerConfig {
  /**
   * The audit trail's FHIR base on the gateway and its auth, as an upstream
   * FHIR source (`resolveSource`; see `auditConfig`).
   */
  trail: SourceDefinition;
  /** Name of the audited gateway, as observer. */
  gatewayName: string;
  /** An API key of the gateway (`GATEWAY_API_KEYS`), sent as `X-API-Key`. */
  apiKey?: string;
}

export const AUDIT_CONSUMER_CONFIG = Symbol('AUDIT_CONSUMER_CONFIG');

/**
 * Turns every FHIR event into a BALP AuditEvent and writes it through the
 * gateway's FHIR API, as a client of the gateway like an upstream source: the
 * same connection pool, timeouts and token client (SMART Backend Services
 * client credentials, cached and refreshed before expiry, renewed once after a
 * 401). A failed write throws, so the event is redelivered.
 */
@Injectable()
export class AuditWriter implements OnApplicationShutdown {
  private readonly trail: UpstreamFhirBackend;

  constructor(@Inject(AUDIT_CONSUMER_CONFIG) private readonly config: AuditConsumerConfig) {
    this.trail = new UpstreamFhirBackend(config.trail);
  }

  @OnBrokerEvent('fhir.**')
  async write(event: EHREvent): Promise<void> {
    const audit = toBalpAuditEvent(event, this.config.gatewayName);
    if (!audit) return;
    const { status } = await this.trail.request({
      method: 'POST',
      path: 'AuditEvent',
      headers: {
        'if-none-exist': `entity-name=${event.id}`,
        ...(this.config.apiKey ? { 'x-api-key': this.config.apiKey } : {}),
      },
      body: { ...audit, entity: [...(audit.entity ?? []), { name: event.id, description: 'EHR event id' }] },
    });
    if (status >= 300) throw new Error(`writing the AuditEvent for ${event.id} answered HTTP ${status}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.trail.close();
  }
}
