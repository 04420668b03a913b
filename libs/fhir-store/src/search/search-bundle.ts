import type { Bundle, BundleEntry, BundleLink, OperationOutcome, Resource } from '@medplum/fhirtypes';
import type { PlanResult } from './search-plan';
import type { SearchQuery } from './search-query';
import { trimResource } from './trim-resource';

const PAGING = new Set(['_count', '_offset', '_cursor']);

function warning(diagnostics: string): BundleEntry {
  const outcome: OperationOutcome = {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'warning', code: 'not-supported', diagnostics }],
  };
  return { resource: outcome, search: { mode: 'outcome' } };
}

/**
 * A searchset Bundle: the page of matches, the included resources, and links
 * that move forward and end: `next` only when another page exists, so paging
 * always advances and never yields `next` equal to `self`.
 */
export function searchBundle(query: SearchQuery, result: PlanResult, baseUrl: string, path: string): Bundle {
  const kept = query.used.filter(([name]) => !PAGING.has(name));
  const link = (relation: string, offset: number, cursor?: number): BundleLink => {
    const params = new URLSearchParams(kept);
    params.set('_count', String(query.count));
    if (offset > 0) params.set('_offset', String(offset));
    if (cursor !== undefined) params.set('_cursor', String(cursor));
    return { relation, url: `${baseUrl}/${path}?${params.toString()}` };
  };
  const links = [link('self', query.offset, query.sort.length === 0 ? query.after : undefined)];
  if (query.count > 0) {
    links.push(link('first', 0));
    if (query.offset > 0) links.push(link('previous', Math.max(0, query.offset - query.count)));
    // In the default order the next page starts after the last row of this one (keyset), so that deep pages
    // cost as little as the first; `_offset` still counts the rows before it, for the previous link.
    const last = result.matches[result.matches.length - 1]?.rid;
    if (result.more) links.push(link('next', query.offset + query.count, query.sort.length === 0 ? last : undefined));
  }
  const entry = (mode: 'match' | 'include', trim: boolean) => (row: PlanResult['matches'][number]) => {
    const resource = JSON.parse(row.content) as Resource;
    return {
      fullUrl: `${baseUrl}/${row.type}/${row.id}`,
      resource: trim ? trimResource(resource, query.summary, query.elements) : resource,
      search: { mode },
    };
  };
  const trim = query.summary !== undefined && query.summary !== 'false' ? true : query.elements !== undefined;
  const entries: BundleEntry[] = [
    ...result.matches.map(entry('match', trim)),
    ...result.included.map(entry('include', trim && query.summary !== undefined)),
  ];
  if (query.ignored.length > 0) entries.push(warning(`Unknown search parameters ignored: ${query.ignored.join(', ')}`));
  if (result.includesTruncated)
    entries.push(warning('Included resources were cut short: narrow the search or its includes'));
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    ...(result.total !== undefined ? { total: result.total } : {}),
    link: links,
    ...(entries.length > 0 ? { entry: entries } : {}),
  };
}
