import { ExecutionContext, Injectable } from '@nestjs/common';
import { EHREventType, EventEmittingInterceptor, OperationDescriptor, OperationEvents } from '@ehr-gateway/events';
import type { Request } from 'express';
import type { NoteReaderModuleOptions } from '../interfaces';
import { InjectNoteReaderOptions } from '../notereader.module-definition';

type ProcessNote = EHREventType.NOTEREADER_PROCESS_NOTE;

/**
 * `notereader.process.note` for every ProcessDocument call, success or fault,
 * with ids, counts and timing; before it `notereader.sign.note` when the call
 * got as far as a parsed note. `NoteReaderService` adds what it learns
 * through `OperationFacts`.
 */
@Injectable()
export class NoteReaderEventsInterceptor extends EventEmittingInterceptor<ProcessNote> {
  constructor(operationEvents: OperationEvents, @InjectNoteReaderOptions() options: NoteReaderModuleOptions) {
    super(operationEvents, options);
  }

  protected describe(context: ExecutionContext): OperationDescriptor<ProcessNote> | null {
    if (context.switchToHttp().getRequest<Request>().method !== 'POST') return null;
    return {
      eventType: EHREventType.NOTEREADER_PROCESS_NOTE,
      operation: 'ProcessDocument',
      source: 'notereader',
      details: {},
    };
  }

  protected override milestones(operation: OperationDescriptor<ProcessNote>): OperationDescriptor[] {
    // `sections` is known once the document parsed: the note was received and signed.
    const { resourcesAdded: _added, ...note } = operation.details;
    if (note.sections === undefined) return [];
    return [{ eventType: EHREventType.NOTEREADER_SIGN_NOTE, operation: 'sign', source: 'notereader', details: note }];
  }
}
