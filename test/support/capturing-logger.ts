import type { LoggerService } from '@nestjs/common';

/** A Nest logger that keeps what it is told, so tests can assert on warnings and errors without noise. */
export class CapturingLogger implements LoggerService {
  /** Each line's message, and what came with it (a stack, the context), as text. */
  readonly lines: Array<{ level: string; message: string; params: string[] }> = [];

  log(message: unknown, ...params: unknown[]) {
    this.push('log', message, params);
  }
  error(message: unknown, ...params: unknown[]) {
    this.push('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]) {
    this.push('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]) {
    this.push('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]) {
    this.push('verbose', message, params);
  }

  messages(level: string): string[] {
    return this.lines.filter((line) => line.level === level).map((line) => line.message);
  }

  private push(level: string, message: unknown, params: unknown[]) {
    this.lines.push({ level, message: String(message), params: params.map(String) });
  }
}
