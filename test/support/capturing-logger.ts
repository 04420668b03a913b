import type { LoggerService } from '@nestjs/common';

/** A Nest logger that keeps what it is told, so tests can assert on warnings and errors without noise. */
export class CapturingLogger implements LoggerService {
  readonly lines: Array<{ level: string; message: string }> = [];

  log(message: unknown) {
    this.push('log', message);
  }
  error(message: unknown) {
    this.push('error', message);
  }
  warn(message: unknown) {
    this.push('warn', message);
  }
  debug(message: unknown) {
    this.push('debug', message);
  }
  verbose(message: unknown) {
    this.push('verbose', message);
  }

  messages(level: string): string[] {
    return this.lines.filter((line) => line.level === level).map((line) => line.message);
  }

  private push(level: string, message: unknown) {
    this.lines.push({ level, message: String(message) });
  }
}
