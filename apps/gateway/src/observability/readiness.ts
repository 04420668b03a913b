import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { HealthIndicatorFunction, HealthIndicatorService } from '@nestjs/terminus';
import { FhirSources } from '@ehr-gateway/fhir';
import { createClient } from 'redis';
import { brokerOf } from './broker-of';

const CHECK_TIMEOUT_MS = 3000;

export interface ReadinessOptions {
  /** The source backed by the embedded store. */
  storeSource: string;
  /** Checked with PING when set (the CDS JWT replay store). */
  redisUrl?: string;
  /** How long a check's result is reused (concurrent callers share one run whatever it is), ms. */
  cacheMs: number;
}

class DownError extends Error {}

/**
 * The terminus indicators `/health/ready` runs: the embedded store answers a
 * search, the broker is connected (when configured), each upstream source
 * answers its CapabilityStatement, Redis answers PING (when configured).
 * `/health/ready` is public and unthrottled, so each result is cached for
 * `cacheMs` (a flood of calls makes one upstream request per interval), and
 * says up or down with a fixed message only: no auth mode, token state,
 * status code or error text (`/fhir/status`, behind authentication, has those).
 */
@Injectable()
export class Readiness implements OnApplicationShutdown {
  private redis?: ReturnType<typeof createClient>;

  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly sources: FhirSources,
    private readonly moduleRef: ModuleRef,
    private readonly options: ReadinessOptions,
  ) {}

  checks(): HealthIndicatorFunction[] {
    const checks: HealthIndicatorFunction[] = [() => this.store()];
    const broker = brokerOf(this.moduleRef);
    if (broker) {
      checks.push(() => {
        return broker.stats().connected
          ? this.indicators.check('broker').up()
          : this.indicators.check('broker').down({ message: 'not connected to NATS' });
      });
    }
    for (const name of this.sources.names()) {
      if (name !== this.options.storeSource) checks.push(() => this.upstream(name));
    }
    if (this.options.redisUrl) checks.push(() => this.ping());
    return checks;
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.redis?.isOpen) await this.redis.close();
  }

  private store() {
    const { backend } = this.sources.get(this.options.storeSource);
    return this.indicators
      .check('store')
      .attempt(async () => {
        const response = await backend.request({ method: 'GET', path: 'Patient?_count=1' }).catch(() => undefined);
        if (!response || response.status >= 500) throw new DownError('the store did not answer a search');
      })
      .withTimeout(CHECK_TIMEOUT_MS)
      .cacheFor(this.options.cacheMs);
  }

  private upstream(name: string) {
    const { backend } = this.sources.get(name);
    return this.indicators
      .check(`source:${name}`)
      .attempt(async () => {
        if (!(await backend.status()).reachable) throw new DownError('the source did not answer its metadata');
      })
      .withTimeout(CHECK_TIMEOUT_MS)
      .cacheFor(this.options.cacheMs);
  }

  private ping() {
    return this.indicators
      .check('redis')
      .attempt(async () => {
        this.redis ??= createClient({
          url: this.options.redisUrl,
          socket: { connectTimeout: CHECK_TIMEOUT_MS, reconnectStrategy: false },
        }).on('error', () => undefined);
        try {
          if (!this.redis.isOpen) await this.redis.connect();
          await this.redis.ping();
        } catch {
          // The client's messages carry the address, and the URL may carry a password.
          throw new DownError('Redis (CDS_JWT_REPLAY_REDIS_URL) did not answer PING');
        }
      })
      .withTimeout(CHECK_TIMEOUT_MS)
      .cacheFor(this.options.cacheMs);
  }
}
