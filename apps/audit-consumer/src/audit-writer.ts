import { Inject, Injectable } from '@nestjs/common';
import { EHREvent, OnBrokerEvent } from '@ehr-gateway/events';
import { toBalpAuditEvent } from './balp-audit-event';

export interface AuditConsumerConfig {
  /** The gateway whose FHIR API the AuditEvents are written through. */
  gatewayUrl: string;
  /** The gateway source that keeps the audit trail. */
  source: string;
  /** Name of the audited gateway, as observer. */
  gatewayName: string;
  /** An API key of the gateway (`GATEWAY_API_KEYS`), sent as `X-API-Key`. */
  apiKey?: string;
}

export const AUDIT_CONSUMER_CONFIG = Symbol('AUDIT_CONSUMER_CONFIG');

/**
 * Turns every FHIR event into a BALP AuditEvent and writes it through the
 * gateway's FHIR API. A failed write throws, so the event is redelivered.
 */
@Injectable()
export class AuditWriter {
  constructor(@Inject(AUDIT_CONSUMER_CONFIG) private readonly config: AuditConsumerConfig) {}

  @OnBrokerEvent('fhir.**')
  async write(event: EHREvent): Promise<void> {
    const audit = toBalpAuditEvent(event, this.config.gatewayName);
    if (!audit) return;
    const response = await fetch(`${this.config.gatewayUrl}/fhir/${this.config.source}/AuditEvent`, {
      method: 'POST',
      headers: {
        'content-type': 'application/fhir+json',
        'if-none-exist': `entity-name=${event.id}`,
        ...(this.config.apiKey ? { 'x-api-key': this.config.apiKey } : {}),
      },
      body: JSON.stringify({
        ...audit,
        entity: [...(audit.entity ?? []), { name: event.id, description: 'EHR event id' }],
      }),
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) throw new Error(`writing the AuditEvent for ${event.id} answered HTTP ${response.status}`);
  }
}
