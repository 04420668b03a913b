import autocannon from 'autocannon';
import { Pool } from 'undici';

export interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

export interface PostRequest {
  body: string;
  headers: Record<string, string>;
}

/** One autocannon run against `url` (a GET with `headers`, or the POST given); latencies in milliseconds. */
export async function load(
  url: string,
  connections: number,
  seconds: number,
  post?: PostRequest,
  headers?: Record<string, string>,
): Promise<LoadResult> {
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    ...(headers ? { headers } : {}),
    ...(post ? { method: 'POST', ...post } : {}),
  });
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

/**
 * `amount` GETs of `url` over `connections` connections (for counts that must
 * not depend on time); resolves with how many were answered with a 2xx.
 */
export async function sendRequests(url: string, connections: number, amount: number): Promise<number> {
  // Generous timeout: under callgrind the first requests after instrumentation starts are slow.
  const result = await autocannon({ url, connections, amount, timeout: 120 });
  return result['2xx'];
}

export function ratio(value: number, baseline: number): string {
  return (value / baseline).toFixed(2);
}

/** Field-by-field mean of several runs. */
export function mean(results: LoadResult[]): LoadResult {
  const average = (pick: (result: LoadResult) => number) =>
    results.reduce((sum, result) => sum + pick(result), 0) / results.length;
  return {
    requestsPerSecond: average((r) => r.requestsPerSecond),
    p50: average((r) => r.p50),
    p99: average((r) => r.p99),
    errors: average((r) => r.errors),
    non2xx: average((r) => r.non2xx),
  };
}

/**
 * p50 and p99 latency of `requests` sequential GETs over one keep-alive
 * connection, in milliseconds with microsecond precision (autocannon rounds
 * to whole milliseconds, too coarse for a sub-millisecond overhead).
 */
export async function sequentialLatency(url: string, requests: number): Promise<{ p50: number; p99: number }> {
  const target = new URL(url);
  const pool = new Pool(target.origin, { connections: 1 });
  const times: number[] = [];
  try {
    for (let i = 0; i < requests; i++) {
      const start = process.hrtime.bigint();
      const response = await pool.request({ path: target.pathname + target.search, method: 'GET' });
      await response.body.arrayBuffer();
      if (response.statusCode !== 200) throw new Error(`${url} answered ${response.statusCode}`);
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  } finally {
    await pool.close();
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(times.length / 2)], p99: times[Math.floor(times.length * 0.99)] };
}
