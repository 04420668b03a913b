import { evalFhirPath, getSearchParameters } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import type { StoredVersion } from './sqlite-resource-repository';

/** Reference search parameters indexed for fast compartment-style searches (`Observation?patient=`). */
export const INDEXED_REFERENCE_PARAMS = ['patient', 'subject'] as const;

type Current = Map<string, StoredVersion>;

/**
 * The current version of every resource, in memory, with an index of the
 * `patient`/`subject` references (values computed by `@medplum/core` from the
 * search-parameter definitions). Changes inside a transaction are undone by
 * `rollback()`.
 */
export class ResourceIndex {
  private readonly byType = new Map<string, Current>();
  /** `type|param|Type/id` -> ids */
  private readonly references = new Map<string, Set<string>>();
  private undoLog?: Map<string, StoredVersion | undefined>;

  get(resourceType: string, id: string): StoredVersion | undefined {
    return this.byType.get(resourceType)?.get(id);
  }

  /** Live (not deleted) resources of a type. */
  *live(resourceType: string): Generator<Resource> {
    for (const version of this.byType.get(resourceType)?.values() ?? []) {
      if (!version.deleted && version.resource) yield version.resource;
    }
  }

  /** Ids of live resources of a type whose indexed `param` references `reference` (`Patient/1`). */
  referencing(resourceType: string, param: string, reference: string): Resource[] {
    const ids = this.references.get(`${resourceType}|${param}|${reference}`);
    if (!ids) return [];
    const current = this.byType.get(resourceType);
    return [...ids].map((id) => current?.get(id)?.resource).filter((r): r is Resource => !!r);
  }

  put(version: StoredVersion): void {
    const key = `${version.resourceType}/${version.id}`;
    if (this.undoLog && !this.undoLog.has(key)) this.undoLog.set(key, this.get(version.resourceType, version.id));
    this.replace(version.resourceType, version.id, version);
  }

  /** Starts recording changes so that `rollback()` can undo them. */
  begin(): void {
    this.undoLog = new Map();
  }

  commit(): void {
    this.undoLog = undefined;
  }

  rollback(): void {
    const log = this.undoLog;
    this.undoLog = undefined;
    for (const [key, previous] of log ?? []) {
      const [resourceType, id] = key.split('/');
      this.replace(resourceType, id, previous);
    }
  }

  private replace(resourceType: string, id: string, version: StoredVersion | undefined): void {
    let current = this.byType.get(resourceType);
    if (!current) this.byType.set(resourceType, (current = new Map<string, StoredVersion>()));
    const previous = current.get(id);
    if (previous?.resource && !previous.deleted) this.indexReferences(previous.resource, false);
    if (version) current.set(id, version);
    else current.delete(id);
    if (version?.resource && !version.deleted) this.indexReferences(version.resource, true);
  }

  private indexReferences(resource: Resource, add: boolean): void {
    const params = getSearchParameters(resource.resourceType);
    for (const code of INDEXED_REFERENCE_PARAMS) {
      const param = params?.[code];
      if (!param?.expression || param.type !== 'reference') continue;
      for (const value of evalFhirPath(param.expression, resource)) {
        const reference = (value as { reference?: unknown } | null)?.reference;
        if (typeof reference !== 'string') continue;
        const key = `${resource.resourceType}|${code}|${reference}`;
        let ids = this.references.get(key);
        if (add) {
          if (!ids) this.references.set(key, (ids = new Set()));
          ids.add(resource.id!);
        } else {
          ids?.delete(resource.id!);
        }
      }
    }
  }
}
