/**
 * The benchmark gateway (bench/support/gateway-server.ts) with its event-loop
 * delay measured in its own process: on the IPC message `event-loop-delay` it
 * answers the largest and p99 delay since the last such message, in ms. Load
 * on the machine delays timers too, but a request that holds the loop shows as
 * a max delay of about its own length, whatever the load.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import '../support/gateway-server';

const histogram = monitorEventLoopDelay({ resolution: 10 });
histogram.enable();

process.on('message', (message) => {
  if (message !== 'event-loop-delay') return;
  process.send!({ maxMs: histogram.max / 1e6, p99Ms: histogram.percentile(99) / 1e6 });
  histogram.reset();
});
