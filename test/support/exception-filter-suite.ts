import type { ExceptionFilter, RpcExceptionFilter, Type } from '@nestjs/common';
import { failingTransports, type Failure } from './failing-transports';

/** A marker in every failure's message: it must reach neither an answer nor a log line. */
const PHI = 'patient JaneDoe-PHI-marker MRN 12345';

/** A protocol's exception filters, and the answers expected of them, written by hand from its specification. */
export interface FilterProtocol {
  name: string;
  filters: { http: Type<ExceptionFilter>; rpc: Type<RpcExceptionFilter> };
  /** The HTTP body and the RPC error (without its status) that carry an answer's `body`. */
  answers(body: object): { http: object; message: object };
  /** The body of an unknown failure's answer (a 500). */
  internal: object;
  /** HttpExceptions, their status, and what the HTTP body holds at least. */
  httpExceptions: readonly (readonly [string, Error, number, object])[];
  /** The protocol's own error class, the status and the body it answers with. */
  ownError: { error: Error; status: number; body: object };
}

/**
 * A protocol's HTTP and RPC exception filters, on a real HTTP server and a
 * real TCP message transport: the same answer over both, statuses kept, and an
 * unknown failure answered with a fixed text and logged without its message.
 */
export function describeExceptionFilters(protocol: FilterProtocol): void {
  describe(`${protocol.name} errors over HTTP and message patterns`, () => {
    let transports: Awaited<ReturnType<typeof failingTransports>>;

    beforeAll(async () => {
      transports = await failingTransports(protocol.filters);
    });
    afterAll(async () => transports?.close());
    beforeEach(() => transports.logs.lines.splice(0));

    const both = async (error: unknown): Promise<{ http: Failure; message: Failure }> => ({
      http: await transports.viaHttp(error),
      message: await transports.viaMessage(error),
    });
    const errorLines = () => transports.logs.lines.filter((line) => line.level === 'error');

    it.each([
      ['an Error', new Error(`Cannot read 'x' of ${PHI}`)],
      ['a TypeError', new TypeError(PHI)],
      ['a thrown string', PHI],
      ['a thrown object', { message: PHI }],
    ])('answers %s with a 500 and a fixed text, and logs no word of its message', async (_, error) => {
      const { http, message } = await both(error);

      const expected = protocol.answers(protocol.internal);
      expect(http).toEqual({ status: 500, body: expected.http });
      expect(message).toEqual({ status: 500, body: expected.message });
      expect(errorLines()).toHaveLength(2);
      expect(JSON.stringify(transports.logs.lines)).not.toContain('JaneDoe-PHI-marker');
    });

    it('logs an Error by its kind and stack frames', async () => {
      await both(new RangeError(PHI));

      const [line] = errorLines();
      expect(line.message).toBe('Unexpected error: RangeError (message withheld: it may carry content)');
      expect(line.params[0]).toMatch(/^\s+at /);
    });

    it.each(protocol.httpExceptions)('keeps the status of an HttpException (%s)', async (_, error, status, body) => {
      const { http, message } = await both(error);

      expect(http).toMatchObject({ status, body });
      expect(message.status).toBe(status);
      expect(message.body).toEqual(protocol.answers(http.body).message);
      expect(errorLines()).toEqual([]);
    });

    it('answers its own error with the status and body it states', async () => {
      const { error, status, body } = protocol.ownError;

      const { http, message } = await both(error);

      const expected = protocol.answers(body);
      expect(http).toEqual({ status, body: expected.http });
      expect(message).toEqual({ status, body: expected.message });
    });
  });
}
