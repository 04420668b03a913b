import { Injectable, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { EHREvent, EventDispatcher, OnEhrEvent, familyOf } from '@ehr-gateway/events';
import { CdsServicesExplorer } from '@ehr-gateway/cds';
import { FhirSources, UNKNOWN_SOURCE } from '@ehr-gateway/fhir';
import type { HttpMethod, UpstreamFailure, UpstreamObserver } from '@ehr-gateway/fhir';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { brokerOf } from './broker-of';

const NOTEREADER_SYSTEM = 'notereader';

/** Seconds, from sub-millisecond store reads to slow upstream calls. */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The gateway's Prometheus metrics, in a registry of its own (one per app, so
 * several apps in one process never mix). Per-operation figures come from the
 * EHR events themselves: each carries its family, system (FHIR source, CDS
 * service, NoteReader), operation, outcome and duration. Upstream FHIR
 * exchanges and token refreshes come from `FhirModule` as its upstream observer.
 */
@Injectable()
export class GatewayMetrics implements OnModuleInit, UpstreamObserver {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Inbound HTTP requests by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });

  private readonly events = new Counter({
    name: 'ehr_events_total',
    help: 'EHR events by type and outcome',
    labelNames: ['type', 'outcome'] as const,
    registers: [this.registry],
  });

  private readonly operationDuration = new Histogram({
    name: 'ehr_operation_duration_seconds',
    help: 'Operations by family, system (FHIR source, CDS service, NoteReader), operation and outcome',
    labelNames: ['family', 'system', 'operation', 'outcome'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });

  private readonly upstreamDuration = new Histogram({
    name: 'ehr_upstream_request_duration_seconds',
    help: 'HTTP exchanges with upstream FHIR sources (each retry its own) by source, method and status or failure',
    labelNames: ['source', 'method', 'status'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });

  private readonly upstreamErrors = new Counter({
    name: 'ehr_upstream_errors_total',
    help: 'Upstream exchanges that failed: timeout, unreachable, bad_response (not JSON, too large) or 5xx',
    labelNames: ['source', 'reason'] as const,
    registers: [this.registry],
  });

  private readonly tokenRefreshes = new Counter({
    name: 'ehr_upstream_token_refreshes_total',
    help: "Calls to an upstream source's OAuth token endpoint by source and outcome",
    labelNames: ['source', 'outcome'] as const,
    registers: [this.registry],
  });

  /** Where the configured systems are listed (sources can be added at runtime, so asked per event). */
  private systems?: { sources: FhirSources; services: CdsServicesExplorer };

  constructor(
    private readonly dispatcher: EventDispatcher,
    private readonly moduleRef: ModuleRef,
  ) {
    collectDefaultMetrics({ register: this.registry });
  }

  onModuleInit(): void {
    const dispatcher = this.dispatcher;
    new Counter({
      name: 'ehr_event_listener_failures_total',
      help: 'Listener invocations that threw or rejected',
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(dispatcher.listenerFailures);
      },
    });
    const broker = brokerOf(this.moduleRef);
    if (!broker) return;
    const stat = (name: string, help: string, read: () => number, type: typeof Gauge | typeof Counter) =>
      new type({
        name,
        help,
        registers: [this.registry],
        collect() {
          this.reset();
          this.inc(read());
        },
      });
    stat('ehr_broker_connected', '1 when connected to NATS JetStream', () => +broker.stats().connected, Gauge);
    stat('ehr_broker_published_total', 'Events published to JetStream', () => broker.stats().published, Counter);
    stat('ehr_broker_outboxed_total', 'Events parked in the outbox', () => broker.stats().outboxed, Counter);
    stat('ehr_broker_drained_total', 'Events published from the outbox', () => broker.stats().drained, Counter);
    stat('ehr_broker_dropped_total', 'Events lost to a full outbox', () => broker.stats().dropped, Counter);
    stat('ehr_broker_outbox_depth', 'Events waiting in the outbox', () => broker.stats().outboxSize, Gauge);
  }

  @OnEhrEvent('**')
  count(event: EHREvent): void {
    const { outcome, operation, durationMs } = event.payload;
    this.events.inc({ type: event.eventType, outcome });
    if (typeof durationMs !== 'number') return;
    this.operationDuration.observe(
      { family: familyOf(event.eventType), system: this.systemLabel(event.sourceSystem), operation, outcome },
      durationMs / 1000,
    );
  }

  /**
   * A configured system's name (a FHIR source, a CDS service, `notereader`), else `unknown`: labels come only from
   * configuration, so a made-up name in a request neither lands in /metrics nor adds series.
   */
  private systemLabel(system: string): string {
    this.systems ??= {
      sources: this.moduleRef.get(FhirSources, { strict: false }),
      services: this.moduleRef.get(CdsServicesExplorer, { strict: false }),
    };
    const known =
      system === NOTEREADER_SYSTEM ||
      this.systems.sources.names().includes(system) ||
      this.systems.services.get(system) !== undefined;
    return known ? system : UNKNOWN_SOURCE;
  }

  exchange(source: string, method: HttpMethod, result: number | UpstreamFailure, seconds: number): void {
    this.upstreamDuration.observe({ source, method, status: String(result) }, seconds);
    if (typeof result === 'string') this.upstreamErrors.inc({ source, reason: result });
    else if (result >= 500) this.upstreamErrors.inc({ source, reason: '5xx' });
  }

  tokenRefresh(source: string, outcome: 'success' | 'failure'): void {
    this.tokenRefreshes.inc({ source, outcome });
  }
}
