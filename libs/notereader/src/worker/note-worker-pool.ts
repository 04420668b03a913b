import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { CdaDocument, CdaParseError, type CdaDocumentSummary } from '@ehr-gateway/cda';
import { Piscina } from 'piscina';
import { NOTEREADER_DEFAULTS } from '../constants';
import type { NoteReaderModuleOptions } from '../interfaces';
import { InjectNoteReaderOptions } from '../notereader.module-definition';
import type { ProcessDocumentCall } from '../soap/process-document-request';
import { SoapFault } from '../soap/soap-fault';
import type { ReadAnswer, render, SummaryAnswer } from './note-tasks';

/** A call read from its SOAP message, and its document (`document()` throws the fault if it is no usable CDA). */
export interface ReadNote {
  call: ProcessDocumentCall;
  document: () => CdaDocument;
}

/**
 * The compiled task file next to this one (workers inherit the process's
 * options), or its TypeScript source through the swc loader (tests, `npm run` scripts).
 */
function taskFile(): { filename: string; execArgv?: string[] } {
  const compiled = join(__dirname, 'note-tasks.js');
  if (existsSync(compiled)) return { filename: compiled };
  return {
    filename: join(__dirname, 'note-tasks.ts'),
    execArgv: [...process.execArgv, '--require', '@swc-node/register'],
  };
}

/**
 * The worker threads (a piscina pool, started on first use) that read large
 * NoteReader messages and serialize their answers off the event loop. The
 * queue is bounded: beyond it a call is refused with a `soap:Server` fault,
 * which Epic retries, as is a task that outlives `workerTimeoutMs`.
 */
@Injectable()
export class NoteWorkerPool implements OnModuleDestroy {
  private pool?: Piscina;

  constructor(@InjectNoteReaderOptions() private readonly options: NoteReaderModuleOptions) {}

  async read(envelope: string, maxBytes: number): Promise<ReadNote> {
    const answer = (await this.run('read', { envelope, maxBytes })) as ReadAnswer;
    if ('fault' in answer) throw toFault(answer.fault);
    if ('documentFault' in answer) {
      const fault = toFault(answer.documentFault);
      return {
        call: answer.call,
        document: () => {
          throw fault;
        },
      };
    }
    const document = CdaDocument.fromSummary(answer.summary);
    return { call: answer.call, document: () => document };
  }

  /** A bare CDA document read and mapped in a worker (the console's view of large notes); `CdaParseError` if it is none. */
  async summarize(xml: string, maxBytes: number): Promise<CdaDocumentSummary> {
    const answer = (await this.run('summarize', { xml, maxBytes })) as SummaryAnswer;
    if ('problem' in answer) throw new CdaParseError(answer.problem);
    return answer.summary;
  }

  /** The response envelope of a document whose tree was never built here (`CdaDocument.unparsed()`). */
  render(task: Parameters<typeof render>[0]): Promise<string> {
    return this.run('render', task) as Promise<string>;
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool?.destroy();
  }

  private run(name: 'read' | 'render' | 'summarize', task: object): Promise<unknown> {
    const threads = this.options.workerThreads ?? NOTEREADER_DEFAULTS.workerThreads;
    // `name`: the task a worker loads when it starts (piscina's default, `default`, is not exported).
    this.pool ??= new Piscina({
      ...taskFile(),
      name: 'read',
      minThreads: threads,
      maxThreads: threads,
      maxQueue: 'auto',
    });
    if (this.pool.queueSize >= this.pool.options.maxQueue)
      throw new SoapFault('Server', 'NoteReader is busy with other large notes: retry later');
    const timeoutMs = this.options.workerTimeoutMs ?? NOTEREADER_DEFAULTS.workerTimeoutMs;
    // On abort piscina drops the queued task, or stops the worker running it and starts another.
    return this.pool.run(task, { name, signal: AbortSignal.timeout(timeoutMs) }).catch((error: unknown) => {
      if ((error as Error)?.name !== 'AbortError') throw error;
      throw new SoapFault('Server', `NoteReader gave up on the note after ${timeoutMs} ms: retry later`);
    });
  }
}

const toFault = ({
  faultCode,
  message,
  problem,
}: {
  faultCode: 'Client' | 'Server';
  message: string;
  problem: string;
}) => new SoapFault(faultCode, message, problem);
