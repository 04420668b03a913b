import {
  Controller,
  Post,
  UseFilters,
  type ExceptionFilter,
  type INestApplication,
  type RpcExceptionFilter,
  type Type,
} from '@nestjs/common';
import { ClientProxyFactory, MessagePattern, Transport, type ClientProxy } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { firstValueFrom } from 'rxjs';
import request from 'supertest';
import { CapturingLogger } from './capturing-logger';
import { unusedPort } from './ports';

/** What a caller got back over one transport. */
export interface Failure {
  status: number;
  /** The HTTP body, or the RPC error object without its `status`. */
  body: Record<string, unknown>;
}

/**
 * A hybrid Nest app (HTTP, and the TCP transport for message patterns) with one
 * route and one pattern that throw whatever `viaHttp`/`viaMessage` are given,
 * behind the exception filters under test; the Nest logger's output is kept in `logs`.
 */
export async function failingTransports(filters: {
  http: Type<ExceptionFilter>;
  rpc: Type<RpcExceptionFilter>;
}): Promise<{
  logs: CapturingLogger;
  viaHttp(error: unknown): Promise<Failure>;
  viaMessage(error: unknown): Promise<Failure>;
  close(): Promise<void>;
}> {
  const thrown: { next?: unknown } = {};

  @Controller()
  @UseFilters(filters.http)
  class HttpFailing {
    @Post('fail')
    fail(): never {
      throw thrown.next;
    }
  }

  @Controller()
  @UseFilters(filters.rpc)
  class MessageFailing {
    @MessagePattern('fail')
    fail(): never {
      throw thrown.next;
    }
  }

  const logs = new CapturingLogger();
  const port = await unusedPort();
  const moduleRef = await Test.createTestingModule({ controllers: [HttpFailing, MessageFailing] }).compile();
  const app: INestApplication = moduleRef.createNestApplication({ logger: logs });
  app.connectMicroservice({ transport: Transport.TCP, options: { host: '127.0.0.1', port } });
  await app.startAllMicroservices();
  await app.init();
  const client: ClientProxy = ClientProxyFactory.create({
    transport: Transport.TCP,
    options: { host: '127.0.0.1', port },
  });
  await client.connect();

  return {
    logs,
    async viaHttp(error) {
      thrown.next = error;
      const response = await request(app.getHttpServer()).post('/fail');
      return { status: response.status, body: JSON.parse(response.text) as Record<string, unknown> };
    },
    async viaMessage(error) {
      thrown.next = error;
      const answer: unknown = await firstValueFrom(client.send('fail', {})).then(
        () => {
          throw new Error('the message pattern answered instead of failing');
        },
        (rejection: unknown) => rejection,
      );
      const { status, ...body } = answer as { status: number } & Record<string, unknown>;
      return { status, body };
    },
    async close() {
      await client.close();
      await app.close();
    },
  };
}
