import autocannon from 'autocannon';

export interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

/** One autocannon run against `url`; latencies in milliseconds. */
export async function load(url: string, connections: number, seconds: number): Promise<LoadResult> {
  const result = await autocannon({ url, connections, duration: seconds });
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
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
