import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { LargeBodySlots } from '../client/large-body-slots';
import { UpstreamFhirBackend } from '../client/upstream-backend';
import { FhirError } from '../errors/fhir-error';
import { InjectFhirOptions } from '../fhir.module-definition';
import type { BackendStatus, FhirBackend } from '../interfaces/fhir-backend.interface';
import type { FhirModuleOptions } from '../interfaces/fhir-module-options.interface';
import { SourceConfig, SourceConfigError, resolveSource, validateSourceName } from './source-definition';

/** The named sources the gateway can reach: upstream servers and in-process backends. */
@Injectable()
export class FhirSources implements OnApplicationShutdown {
  private readonly backends = new Map<string, FhirBackend>();
  /** The upstream backends this registry created, and so closes. */
  private readonly upstreams: UpstreamFhirBackend[] = [];
  private readonly largeBodies: LargeBodySlots;
  readonly defaultSource: string;

  constructor(@InjectFhirOptions() private readonly options: FhirModuleOptions) {
    this.largeBodies = new LargeBodySlots(options.largeUpstreamBodies);
    for (const [name, backend] of Object.entries(options.backends ?? {})) this.addBackend(name, backend);
    for (const [name, config] of Object.entries(options.sources ?? {})) this.addSource(name, config);
    const defaultSource = options.defaultSource ?? this.backends.keys().next().value;
    if (!defaultSource) throw new SourceConfigError('FhirModule needs at least one source or backend');
    if (!this.backends.has(defaultSource)) {
      throw new SourceConfigError(`defaultSource '${defaultSource}' is not a configured FHIR source`);
    }
    this.defaultSource = defaultSource;
  }

  /** Adds an upstream server at runtime (or at boot, from configuration). */
  addSource(name: string, config: SourceConfig): void {
    const upstream = new UpstreamFhirBackend(
      resolveSource(name, config, this.options.allowInsecureHttp),
      this.options.upstreamObserver,
      this.largeBodies,
    );
    this.addBackend(name, upstream);
    this.upstreams.push(upstream);
  }

  addBackend(name: string, backend: FhirBackend): void {
    validateSourceName(name);
    if (this.backends.has(name)) throw new SourceConfigError(`FHIR source '${name}' is configured twice`);
    this.backends.set(name, backend);
  }

  /** The backend of a source (the default when no name is given); an unknown name is a 404. */
  get(name?: string): { name: string; backend: FhirBackend } {
    const resolved = name ?? this.defaultSource;
    const backend = this.backends.get(resolved);
    // The name came from the caller: never repeated back (it may be anything, PHI included).
    if (!backend) throw FhirError.notFound('Unknown FHIR source');
    return { name: resolved, backend };
  }

  names(): string[] {
    return [...this.backends.keys()];
  }

  async statuses(): Promise<Record<string, BackendStatus & { default: boolean }>> {
    const entries = await Promise.all(
      this.names().map(
        async (name) =>
          [name, { ...(await this.backends.get(name)!.status()), default: name === this.defaultSource }] as const,
      ),
    );
    return Object.fromEntries(entries);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.upstreams.map((upstream) => upstream.close()));
  }
}
