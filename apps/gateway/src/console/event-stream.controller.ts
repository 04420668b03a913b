import { Controller, Get, Headers, OnModuleInit, Query, Res, ServiceUnavailableException } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { EventBrokerPublisher, EventBrokerStats, EventDispatcher } from '@ehr-gateway/events';
import type { Response } from 'express';
import { CONSOLE_TAG } from '../api-docs';
import { brokerOf } from '../observability/broker-of';
import type { EventRatesSnapshot } from './event-rates';
import { parseEventPatterns } from './event-patterns';
import { EventStreamService, TooManyViewersError } from './event-stream.service';

export interface EventStreamStatus {
  viewers: number;
  listenerFailures: number;
  /** Absent when events stay in the process. */
  broker?: EventBrokerStats;
  rates: EventRatesSnapshot;
}

@ApiTags(CONSOLE_TAG)
@Controller('events')
export class EventStreamController implements OnModuleInit {
  private broker?: EventBrokerPublisher;

  constructor(
    private readonly events: EventStreamService,
    private readonly dispatcher: EventDispatcher,
    private readonly moduleRef: ModuleRef,
  ) {}

  onModuleInit(): void {
    this.broker = brokerOf(this.moduleRef);
  }

  @Get('stream')
  @ApiOperation({
    summary: 'Live EHR events as server-sent events',
    description:
      'Each event matching the patterns, as `event: ehr` with the event id as SSE id; resource bodies are never ' +
      'included. A reconnect with `Last-Event-ID` first replays what was missed (or sends `event: gap`).',
  })
  @ApiQuery({ name: 'pattern', required: false, description: "`@OnEvent`-style patterns, e.g. 'fhir.patient.*'" })
  @ApiProduces('text/event-stream')
  stream(
    @Query('pattern') pattern: unknown,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res() response: Response,
  ): void {
    const patterns = parseEventPatterns(pattern);
    try {
      this.events.attach(response, patterns, lastEventId || undefined);
    } catch (error) {
      if (error instanceof TooManyViewersError)
        throw new ServiceUnavailableException('Too many event stream viewers are connected');
      throw error;
    }
  }

  @Get('status')
  @ApiOperation({ summary: 'Event rates per type (last 15 minutes), listener failures, broker state' })
  status(): EventStreamStatus {
    return {
      viewers: this.events.viewerCount,
      listenerFailures: this.dispatcher.listenerFailures,
      broker: this.broker?.stats(),
      rates: this.events.rates.snapshot(),
    };
  }
}
