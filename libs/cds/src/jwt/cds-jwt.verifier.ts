import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, JWTVerifyGetKey, jwtVerify } from 'jose';
import { isHttpsOrLoopbackHttp } from '@ehr-gateway/config';
import { publicBaseUrl } from '@ehr-gateway/common';
import type { Request } from 'express';
import { InjectCdsOptions } from '../cds.module-definition';
import { CDS_DEFAULTS } from '../constants';
import { CdsUnauthorizedError } from '../http/cds-errors';
import type { CdsJwtIssuer, CdsModuleOptions } from '../interfaces/cds-module-options.interface';
import { createClient } from 'redis';
import { logConnectionChanges } from './connection-log';
import { InMemoryReplayStore, RedisReplayStore, ReplayStore } from './replay-store';

const ALGORITHMS = ['RS384', 'ES384'];
const DEFAULT_CLOCK_TOLERANCE_S = 60;

/**
 * Verifies the CDS client's JWT (CDS Hooks 2.0 "Trusting CDS Clients"):
 * RS384/ES384 only; `iss` one of the configured issuers (own properties only);
 * the key by `kid` from that issuer's JWK Set: its configured URL, or the
 * token's `jku` when that host is one the issuer may use (any other `jku` is
 * ignored, never fetched); `aud` the public URL of the endpoint called; `iat`
 * not in the future and `exp - iat` within the maximum lifetime, with clock
 * skew; `jti` never seen before, remembered until `exp`. Any failure is
 * `CdsUnauthorizedError` (a bare 401); the reason goes to the log, never the token.
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
      logConnectionChanges(this.redis, this.logger, 'Replay store (Redis)');
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
    if (typeof issuer !== 'string' || !Object.hasOwn(jwt.issuers, issuer)) throw new Error('issuer not allow-listed');
    const keys = this.keySetFor(jwt.issuers[issuer], header.jku);
    const audience = `${publicBaseUrl(request)}${request.originalUrl.split('?')[0]}`;
    const tolerance = jwt.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_S;
    const { payload } = await jwtVerify(token, keys, {
      issuer,
      audience,
      algorithms: ALGORITHMS,
      clockTolerance: tolerance,
      requiredClaims: ['iat', 'exp', 'jti'],
    });
    const { iat, exp } = payload as { iat: number; exp: number };
    if (iat > Date.now() / 1000 + tolerance) throw new Error('iat is in the future');
    const maxLifetime = jwt.maxLifetimeSeconds ?? CDS_DEFAULTS.jwtMaxLifetimeSeconds;
    if (exp - iat > maxLifetime) throw new Error(`exp - iat exceeds ${maxLifetime} s`);
    if (!(await this.replays.remember(`${issuer}|${payload.jti}`, exp)))
      throw new Error(`jti ${payload.jti} was already used`);
    return issuer;
  }

  /** The issuer's JWK Set: the token's `jku` only on a host this issuer may use, otherwise its configured URL. */
  private keySetFor(issuer: CdsJwtIssuer, jku: string | undefined): JWTVerifyGetKey {
    const url = jku !== undefined && jkuAllowed(issuer, jku) ? jku : issuer.jwksUrl;
    let keys = this.keySets.get(url);
    if (!keys) {
      keys = createRemoteJWKSet(new URL(url), { timeoutDuration: 5000, cooldownDuration: 1000, cacheMaxAge: 600_000 });
      this.keySets.set(url, keys);
    }
    return keys;
  }
}

function jkuAllowed(issuer: CdsJwtIssuer, jku: string): boolean {
  let url: URL;
  try {
    url = new URL(jku);
  } catch {
    return false;
  }
  const hosts = (issuer.jkuHosts ?? []).map((host) => host.toLowerCase());
  return isHttpsOrLoopbackHttp(url) && hosts.includes(url.host.toLowerCase());
}
