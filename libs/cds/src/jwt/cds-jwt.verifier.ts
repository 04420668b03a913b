import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, JWTVerifyGetKey, jwtVerify } from 'jose';
import type { Request } from 'express';
import { InjectCdsOptions } from '../cds.module-definition';
import { CdsUnauthorizedError } from '../http/cds-errors';
import type { CdsModuleOptions } from '../interfaces/cds-module-options.interface';
import { createClient } from 'redis';
import { InMemoryReplayStore, RedisReplayStore, ReplayStore } from './replay-store';

const ALGORITHMS = ['RS384', 'ES384'];
const DEFAULT_CLOCK_TOLERANCE_S = 60;

/**
 * Verifies the CDS client's JWT (CDS Hooks 2.0 "Trusting CDS Clients"):
 * RS384/ES384 only, `kid` from the issuer's JWK Set (a configured URL, or an
 * allow-listed `jku`; cached by jose, re-fetched on an unknown `kid`), `iss`
 * allow-listed, `aud` the exact URL called, `exp`/`iat`/`nbf` with clock skew,
 * `jti` never seen before. Any failure is `CdsUnauthorizedError` (a bare 401);
 * the reason goes to the log, never the token.
 */
@Injectable()
export class CdsJwtVerifier implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('CdsJwt');
  private readonly keySets = new Map<string, JWTVerifyGetKey>();
  private replays: ReplayStore = new InMemoryReplayStore();
  private redis?: ReturnType<typeof createClient>;

  constructor(@InjectCdsOptions() private readonly options: CdsModuleOptions) {}

  get enabled(): boolean {
    return this.options.jwt?.enabled === true;
  }

  async onModuleInit(): Promise<void> {
    if (!this.enabled) {
      this.logger.warn(
        'CDS Hooks JWT verification is OFF: any caller can invoke CDS services. Turn it on outside local development.',
      );
      return;
    }
    if (Object.keys(this.options.jwt!.issuers).length === 0) {
      throw new Error('CDS JWT verification is on but no issuer is allow-listed');
    }
    const redisUrl = this.options.jwt!.replayRedisUrl;
    if (redisUrl) {
      // Fail closed: while Redis is unreachable, replay checks fail and calls get a 401.
      this.redis = createClient({
        url: redisUrl,
        socket: {
          connectTimeout: 5000,
          reconnectStrategy: (retries) => (retries < 5 ? 200 * (retries + 1) : new Error('Redis unreachable')),
        },
      });
      this.redis.on('error', (error: Error) => this.logger.error(`Replay store (Redis): ${error.message}`));
      await this.redis.connect();
      this.replays = new RedisReplayStore(this.redis);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.redis?.isOpen) await this.redis.close();
  }

  async verify(request: Request): Promise<string> {
    try {
      return await this.check(request);
    } catch (error) {
      this.logger.warn(`Refused a CDS call: ${error instanceof Error ? error.message : String(error)}`);
      throw new CdsUnauthorizedError();
    }
  }

  private async check(request: Request): Promise<string> {
    const jwt = this.options.jwt!;
    const token = request.headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
    if (!token) throw new Error('no bearer token');
    const header = decodeProtectedHeader(token);
    if (!header.alg || !ALGORITHMS.includes(header.alg)) throw new Error(`algorithm ${header.alg} is not allowed`);
    const issuer = decodeJwt(token).iss;
    if (!issuer || !(issuer in jwt.issuers)) throw new Error(`issuer ${issuer} is not allow-listed`);
    const keys = this.keySetFor(issuer, header.jku);
    const audience = `${request.protocol}://${request.get('host')}${request.originalUrl.split('?')[0]}`;
    const { payload } = await jwtVerify(token, keys, {
      issuer,
      audience,
      algorithms: ALGORITHMS,
      clockTolerance: jwt.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_S,
      requiredClaims: ['iat', 'exp', 'jti'],
    });
    if (!(await this.replays.remember(`${issuer}|${payload.jti}`, payload.exp!)))
      throw new Error(`jti ${payload.jti} was already used`);
    return issuer;
  }

  private keySetFor(issuer: string, jku: string | undefined): JWTVerifyGetKey {
    const jwt = this.options.jwt!;
    let url: string | undefined;
    if (jku) {
      const host = new URL(jku).host.toLowerCase();
      if (!(jwt.allowedJkuHosts ?? []).map((h) => h.toLowerCase()).includes(host))
        throw new Error(`jku host ${host} is not allow-listed`);
      url = jku;
    } else {
      url = jwt.issuers[issuer].jwksUrl;
    }
    if (!url) throw new Error(`no JWK Set is configured for issuer ${issuer}`);
    let keys = this.keySets.get(url);
    if (!keys) {
      keys = createRemoteJWKSet(new URL(url), { timeoutDuration: 5000, cooldownDuration: 1000, cacheMaxAge: 600_000 });
      this.keySets.set(url, keys);
    }
    return keys;
  }
}
