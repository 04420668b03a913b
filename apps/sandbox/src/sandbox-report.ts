import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SandboxResult } from './sandbox-runner';

export function describeResult(result: SandboxResult): string {
  const head = `${result.problem ? 'FAIL' : 'ok  '} ${result.label.padEnd(38)} ${String(result.status).padStart(3)} ${result.ms.toFixed(0).padStart(5)} ms`;
  if (result.problem) return `${head}  ${result.problem}`;
  if (result.conditionsAdded)
    return `${head}  +${result.conditionsAdded.length} condition(s): ${result.conditionsAdded.join(', ') || '-'}`;
  const cards = (result.cards ?? []).map(
    (card) =>
      `[${card.indicator}] ${card.summary}${card.suggestions.length ? ` (suggests: ${card.suggestions.join('; ')})` : ''}`,
  );
  return `${head}  ${cards.length === 0 ? 'no cards' : cards.join(' | ')}`;
}

export interface SandboxSummary {
  requests: number;
  failed: number;
  cards: number;
  critical: number;
  conditionsAdded: number;
}

export function summarize(results: SandboxResult[]): SandboxSummary {
  const cards = results.flatMap((r) => r.cards ?? []);
  return {
    requests: results.length,
    failed: results.filter((r) => r.problem).length,
    cards: cards.length,
    critical: cards.filter((c) => c.indicator === 'critical').length,
    conditionsAdded: results.reduce((sum, r) => sum + (r.conditionsAdded?.length ?? 0), 0),
  };
}

export function formatSummary(summary: SandboxSummary): string {
  return `${summary.requests} request(s), ${summary.failed} failed; ${summary.cards} card(s), ${summary.critical} critical; ${summary.conditionsAdded} condition(s) added to notes`;
}

/** Every request and response as files: `001-request.json`, `001-response.xml`, ... */
export function saveExchanges(dir: string, results: SandboxResult[]): void {
  mkdirSync(dir, { recursive: true });
  results.forEach((result, i) => {
    const stem = join(dir, `${String(i + 1).padStart(3, '0')}-${result.label.replace(/[^A-Za-z0-9-]+/g, '_')}`);
    const ext = result.endpoint.includes('notereader') ? 'xml' : 'json';
    writeFileSync(`${stem}-request.${ext}`, result.requestBody);
    writeFileSync(`${stem}-response.${ext}`, result.responseBody);
  });
}

export interface LoadStats {
  endpoint: string;
  requests: number;
  errors: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

export function loadStats(results: SandboxResult[], seconds: number): LoadStats[] {
  const byEndpoint = new Map<string, SandboxResult[]>();
  for (const result of results) byEndpoint.set(result.endpoint, [...(byEndpoint.get(result.endpoint) ?? []), result]);
  return [...byEndpoint.entries()].map(([endpoint, list]) => {
    const times = list.map((r) => r.ms).sort((a, b) => a - b);
    return {
      endpoint,
      requests: list.length,
      errors: list.filter((r) => r.problem).length,
      perSecond: list.length / seconds,
      p50: percentile(times, 50),
      p95: percentile(times, 95),
      p99: percentile(times, 99),
    };
  });
}

export function formatLoadStats(stats: LoadStats[]): string {
  return [
    '| endpoint | requests | req/s | p50 ms | p95 ms | p99 ms | errors |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...stats.map(
      (s) =>
        `| ${s.endpoint} | ${s.requests} | ${s.perSecond.toFixed(1)} | ${s.p50.toFixed(1)} | ${s.p95.toFixed(1)} | ${s.p99.toFixed(1)} | ${s.errors} |`,
    ),
  ].join('\n');
}
