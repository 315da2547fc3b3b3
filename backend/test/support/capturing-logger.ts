import type { LoggerService } from '@nestjs/common';

/** A Nest logger that keeps every line (`<level> [<context>] <message>`) for a test to read. */
export class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];

  log(message: unknown, context?: string) {
    this.push('log', message, context);
  }
  error(message: unknown, context?: string) {
    this.push('error', message, context);
  }
  warn(message: unknown, context?: string) {
    this.push('warn', message, context);
  }
  debug(message: unknown, context?: string) {
    this.push('debug', message, context);
  }
  verbose(message: unknown, context?: string) {
    this.push('verbose', message, context);
  }

  /** The lines of `level` that contain `fragment`. */
  matching(level: string, fragment: string): string[] {
    return this.lines.filter((line) => line.startsWith(`${level} `) && line.includes(fragment));
  }

  private push(level: string, message: unknown, context?: string) {
    const text = typeof message === 'string' ? message : JSON.stringify(message);
    this.lines.push(`${level} [${context ?? ''}] ${text}`);
  }
}
