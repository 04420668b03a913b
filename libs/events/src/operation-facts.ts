import { Injectable } from '@nestjs/common';
import { ClsService } from 'nestjs-cls';
import type { CdsEventDetails, FhirEventDetails, NoteReaderEventDetails } from './ehr-event';

/** Any payload field an operation's code can learn while it runs. */
export type OperationFactFields =
  Partial<FhirEventDetails> | Partial<CdsEventDetails> | Partial<NoteReaderEventDetails>;

const FACTS = Symbol('ehr-gateway:operation-facts');

/**
 * Payload fields the code of an operation learns while it runs (a CDA
 * document's id, the prefetch keys fetched), kept in the request context
 * (nestjs-cls) until the interceptor that began the operation builds its
 * event. Nothing rides on the HTTP request or the RPC message.
 */
@Injectable()
export class OperationFacts {
  constructor(private readonly cls: ClsService) {}

  /** Starts collecting for the operation of the current request; returns what the operation adds. */
  begin(): OperationFactFields {
    const facts: OperationFactFields = {};
    if (this.cls.isActive()) this.cls.set(FACTS, facts);
    return facts;
  }

  /** Adds fields to the event of the operation in progress; does nothing outside one. */
  add(fields: OperationFactFields): void {
    if (!this.cls.isActive()) return;
    const facts = this.cls.get<OperationFactFields | undefined>(FACTS);
    if (facts) Object.assign(facts, fields);
  }
}
