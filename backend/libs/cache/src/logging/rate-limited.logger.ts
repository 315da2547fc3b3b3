import { Logger } from '@nestjs/common';

/**
 * Logs at most one line per `intervalMs` for each distinct subject, and reports how many
 * were suppressed in between. Keeps an outage from flooding the logs.
 */
export class RateLimitedLogger {
  private readonly lastLoggedAtMs = new Map<string, { atMs: number; suppressed: number }>();

  constructor(
    private readonly logger: Logger,
    private readonly intervalMs = 5_000,
    private readonly maxSubjects = 1_000,
  ) {}

  warn(subject: string, message: string): void {
    const nowMs = Date.now();
    const entry = this.lastLoggedAtMs.get(subject);
    if (entry && nowMs - entry.atMs < this.intervalMs) {
      entry.suppressed += 1;
      return;
    }
    const suffix = entry && entry.suppressed > 0 ? ` (${entry.suppressed} similar suppressed)` : '';
    if (!entry && this.lastLoggedAtMs.size >= this.maxSubjects) this.lastLoggedAtMs.clear();
    this.lastLoggedAtMs.set(subject, { atMs: nowMs, suppressed: 0 });
    this.logger.warn(`${message}${suffix}`);
  }
}
