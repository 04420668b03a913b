import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { EHREventType, EventEmittingInterceptor, OperationDescriptor, OperationEvents } from '@ehr-gateway/events';
import type { Request } from 'express';
import type { NoteReaderModuleOptions } from '../interfaces';
import { NOTEREADER_MODULE_OPTIONS } from '../notereader.module-definition';
import type { NoteFacts } from '../notereader.service';

export const NOTE_FACTS = Symbol('ehr-gateway:note-facts');
export type NoteReaderHttpRequest = Request & { [NOTE_FACTS]?: NoteFacts; noteStartedAt?: number };

/** `notereader.process.note` for every ProcessDocument call, success or fault, with ids, counts and timing. */
@Injectable()
export class NoteReaderEventsInterceptor extends EventEmittingInterceptor {
  constructor(operationEvents: OperationEvents, @Inject(NOTEREADER_MODULE_OPTIONS) options: NoteReaderModuleOptions) {
    super(operationEvents, options);
  }

  protected describe(context: ExecutionContext): OperationDescriptor | null {
    const request = context.switchToHttp().getRequest<NoteReaderHttpRequest>();
    if (request.method !== 'POST') return null;
    request[NOTE_FACTS] = {};
    request.noteStartedAt = performance.now();
    return { eventType: EHREventType.NOTEREADER_PROCESS_NOTE, operation: 'ProcessDocument', source: 'notereader' };
  }

  protected override describeResult(_result: unknown, context: ExecutionContext): Partial<OperationDescriptor> {
    return { details: this.facts(context) };
  }

  protected override describeFailure(_error: unknown, context: ExecutionContext): Partial<OperationDescriptor> {
    return { details: this.facts(context) };
  }

  private facts(context: ExecutionContext): Record<string, unknown> {
    const request = context.switchToHttp().getRequest<NoteReaderHttpRequest>();
    const durationMs =
      request.noteStartedAt === undefined
        ? undefined
        : Math.round((performance.now() - request.noteStartedAt) * 10) / 10;
    return { ...request[NOTE_FACTS], durationMs };
  }
}
