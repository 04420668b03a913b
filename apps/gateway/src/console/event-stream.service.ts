import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { EHREvent, EventPatternMatcher, OnEhrEvent, withoutResource } from '@ehr-gateway/events';
import type { Response } from 'express';
import { EventRates } from './event-rates';

/** One event and, once a viewer needs it, its server-sent-events frame (serialized once for every viewer). */
interface StreamedEvent {
  event: EHREvent;
  frame?: string;
}

function frameOf(streamed: StreamedEvent): string {
  return (streamed.frame ??= `id: ${streamed.event.id}\nevent: ehr\ndata: ${JSON.stringify(streamed.event)}\n\n`);
}

export interface EventStreamOptions {
  /** Events kept for `Last-Event-ID` resumes. */
  replayCapacity: number;
  /** Bytes a viewer may leave unread before it is disconnected (it resumes with `Last-Event-ID`). */
  maxBufferedBytes: number;
  maxViewers: number;
}

const HEARTBEAT_MS = 15_000;

export class TooManyViewersError extends Error {}

/**
 * Feeds the console's live event stream: an `@OnEhrEvent('**')` listener
 * that keeps the last events (without resource bodies, as on the broker) for
 * resumes and writes each to the viewers whose pattern matches it, serializing
 * an event only when some viewer takes it. A viewer
 * that reads too slowly is disconnected rather than buffered without bound.
 */
@Injectable()
export class EventStreamService implements OnApplicationShutdown {
  private readonly replay: StreamedEvent[] = [];
  private readonly viewers = new EventPatternMatcher<Response>();
  private readonly open = new Set<Response>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly options: EventStreamOptions,
    readonly rates: EventRates,
  ) {
    this.heartbeat = setInterval(() => this.open.forEach((viewer) => this.write(viewer, ': ping\n\n')), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  get viewerCount(): number {
    return this.open.size;
  }

  @OnEhrEvent('**')
  publish(event: EHREvent): void {
    const shown = withoutResource(event);
    const streamed: StreamedEvent = { event: shown };
    this.replay.push(streamed);
    if (this.replay.length > this.options.replayCapacity) this.replay.shift();
    this.rates.count(shown);
    // Serialized only when a viewer's patterns match (or a resume replays it), not for every event.
    if (this.open.size === 0) return;
    const viewers = this.viewers.matching(shown);
    if (viewers.length === 0) return;
    const frame = frameOf(streamed);
    for (const viewer of viewers) this.write(viewer, frame);
  }

  /**
   * Streams the events matching `patterns` to `response` until the client
   * leaves; after `lastEventId` first replays what the client missed, or tells
   * it with a `gap` event when that is older than the replay buffer.
   */
  attach(response: Response, patterns: string[], lastEventId?: string): void {
    if (this.open.size >= this.options.maxViewers) throw new TooManyViewersError();
    response.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-store, no-transform',
      'X-Accel-Buffering': 'no',
    });
    response.flushHeaders();
    response.write('retry: 1000\n\n');
    if (lastEventId !== undefined) this.resume(response, patterns, lastEventId);
    const remove = this.viewers.add(response, patterns);
    this.open.add(response);
    response.on('close', () => {
      remove();
      this.open.delete(response);
    });
  }

  onApplicationShutdown(): void {
    clearInterval(this.heartbeat);
    this.open.forEach((viewer) => viewer.end());
  }

  private resume(response: Response, patterns: string[], lastEventId: string): void {
    const index = this.replay.findLastIndex(({ event }) => event.id === lastEventId);
    if (index < 0) response.write('event: gap\ndata: {}\n\n');
    const missed = this.replay.slice(index + 1);
    const matcher = new EventPatternMatcher<true>();
    matcher.add(true, patterns);
    for (const streamed of missed) if (matcher.matching(streamed.event).length > 0) response.write(frameOf(streamed));
  }

  private write(viewer: Response, frame: string): void {
    if (viewer.writableEnded || viewer.destroyed) return;
    if (viewer.writableLength > this.options.maxBufferedBytes) {
      // Dropping the connection frees what it buffered; the client resumes from the replay buffer.
      viewer.destroy();
      return;
    }
    viewer.write(frame);
  }
}
