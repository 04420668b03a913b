import { createParser, type EventSourceMessage } from 'eventsource-parser';

/**
 * A server-sent-events client over `fetch` (headers allowed, unlike the
 * browser's EventSource): collects messages and waits for the ones a test
 * expects, failing after a deadline instead of sleeping.
 */
export class SseClient {
  readonly messages: EventSourceMessage[] = [];
  private waiters: Array<() => void> = [];
  private readonly controller = new AbortController();

  response!: Response;

  static async connect(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const client = new SseClient();
    client.response = await fetch(url, {
      headers: { accept: 'text/event-stream', ...headers },
      signal: client.controller.signal,
    });
    if (client.response.ok && client.response.body) void client.read(client.response.body);
    return client;
  }

  /** The `event: ehr` messages' data, parsed. */
  get events(): Array<{ id: string; eventType: string; payload: Record<string, unknown> }> {
    return this.messages.filter((message) => message.event === 'ehr').map((message) => JSON.parse(message.data));
  }

  /** Resolves once `count` messages satisfy `predicate`; rejects after `timeoutMs`. */
  async waitFor(predicate: (message: EventSourceMessage) => boolean, count = 1, timeoutMs = 5000): Promise<void> {
    const deadline = setTimeout(() => this.waiters.forEach((wake) => wake()), timeoutMs);
    try {
      const started = Date.now();
      while (this.messages.filter(predicate).length < count) {
        if (Date.now() - started >= timeoutMs) {
          throw new Error(`expected ${count} matching message(s), got ${this.messages.filter(predicate).length}`);
        }
        await new Promise<void>((resolve) => this.waiters.push(resolve));
      }
    } finally {
      clearTimeout(deadline);
    }
  }

  close(): void {
    this.controller.abort();
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const parser = createParser({
      onEvent: (message) => {
        this.messages.push(message);
        const waiters = this.waiters;
        this.waiters = [];
        waiters.forEach((wake) => wake());
      },
    });
    const decoder = new TextDecoder();
    try {
      for await (const chunk of body) parser.feed(decoder.decode(chunk, { stream: true }));
    } catch {
      // aborted by close()
    }
  }
}
