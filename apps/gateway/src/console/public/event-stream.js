// The live event stream: fetch + eventsource-parser (EventSource cannot send the API key),
// reconnecting with Last-Event-ID so that nothing is lost across a drop.
import { createParser } from '/console/vendor/eventsource-parser.js';
import { askForCredentials, authHeaders } from '/console/api.js';

const MAX_EVENTS = 2000;

/** Events received since the page opened (newest last); kept in memory only, never stored. */
export const received = [];
const listeners = new Set();
const stateListeners = new Set();
let lastEventId;
let controller;
let pattern = '**';

export function onEvent(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function onStreamState(listener) {
  stateListeners.add(listener);
}

export function byCorrelation(correlationId) {
  return received.filter((event) => event.correlationId === correlationId);
}

function setState(state) {
  stateListeners.forEach((listener) => listener(state));
}

/** (Re)connects with a pattern; a change of pattern starts fresh, a drop resumes. */
export function connect(newPattern = pattern) {
  if (newPattern !== pattern) lastEventId = undefined;
  pattern = newPattern;
  controller?.abort();
  controller = new AbortController();
  void run(controller.signal);
}

async function run(signal) {
  while (!signal.aborted) {
    try {
      const headers = { Accept: 'text/event-stream', ...authHeaders() };
      if (lastEventId) headers['Last-Event-ID'] = lastEventId;
      const response = await fetch(`/events/stream?pattern=${encodeURIComponent(pattern)}`, { headers, signal });
      if (response.status === 401) {
        setState('Credentials needed');
        await askForCredentials();
        continue;
      }
      if (!response.ok || !response.body) {
        setState(`Stream refused (HTTP ${response.status})`);
        if (response.status === 400 || response.status === 403) return;
      } else {
        setState('Live');
        await read(response.body);
        setState('Reconnecting');
      }
    } catch {
      if (signal.aborted) return;
      setState('Reconnecting');
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

async function read(body) {
  const parser = createParser({
    onEvent: (message) => {
      if (message.event === 'gap') {
        setState('Live (some events were missed while disconnected)');
        return;
      }
      if (message.event !== 'ehr') return;
      if (message.id) lastEventId = message.id;
      const event = JSON.parse(message.data);
      received.push(event);
      if (received.length > MAX_EVENTS) received.shift();
      listeners.forEach((listener) => listener(event));
    },
  });
  const decoder = new TextDecoder();
  for await (const chunk of body) parser.feed(decoder.decode(chunk, { stream: true }));
}
