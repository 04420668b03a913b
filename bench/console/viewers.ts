/**
 * Console viewers in their own process (as browsers would be, off the load
 * generator's CPU): on `connect` opens N event streams and answers `connected`
 * once each has its response; records when each event arrives (by correlation
 * id, on the shared clock `performance.timeOrigin + performance.now()`); on
 * `disconnect` closes them; on `report` sends the arrival times and counts.
 */
import { createParser } from 'eventsource-parser';

const url = process.argv[2];
let controllers: AbortController[] = [];
let received = 0;
const arrivals = new Map<string, number[]>();

async function open(): Promise<void> {
  const controller = new AbortController();
  controllers.push(controller);
  const response = await fetch(url, { headers: { accept: 'text/event-stream' }, signal: controller.signal });
  if (!response.ok || !response.body) throw new Error(`event stream answered ${response.status}`);
  const parser = createParser({
    onEvent: (message) => {
      if (message.event !== 'ehr') return;
      const now = performance.timeOrigin + performance.now();
      received++;
      const { correlationId } = JSON.parse(message.data) as { correlationId?: string };
      if (correlationId?.startsWith('latency-')) {
        const list = arrivals.get(correlationId) ?? [];
        list.push(now);
        arrivals.set(correlationId, list);
      }
    },
  });
  const decoder = new TextDecoder();
  void (async () => {
    try {
      for await (const chunk of response.body!) parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }));
    } catch {
      // closed by `disconnect`
    }
  })();
}

process.on('message', (message: { type: string; count?: number }) => {
  void (async () => {
    if (message.type === 'connect') {
      await Promise.all(Array.from({ length: message.count ?? 10 }, open));
      process.send!({ type: 'connected' });
    } else if (message.type === 'disconnect') {
      controllers.forEach((controller) => controller.abort());
      controllers = [];
      process.send!({ type: 'disconnected' });
    } else if (message.type === 'report') {
      process.send!({ type: 'report', received, arrivals: Object.fromEntries(arrivals) });
    } else if (message.type === 'exit') {
      process.exit(0);
    }
  })();
});
process.send!({ type: 'ready' });
