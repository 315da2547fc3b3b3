/** `closed`: calls go to Redis. `open`: calls fail at once while a probe checks Redis. */
export type BreakerState = 'closed' | 'open';

/**
 * Opens after `failureThreshold` consecutive failures; closes on the first success of a
 * background probe (or when the connection reports ready again). While open, callers are
 * answered at once instead of each waiting for a timeout.
 */
export class CircuitBreaker {
  private consecutiveFailures = 0;
  private currentState: BreakerState = 'closed';
  private probeTimer: NodeJS.Timeout | undefined;
  private probing = false;
  private openedCount = 0;

  constructor(
    private readonly failureThreshold: number,
    private readonly probeIntervalMs: number,
    private readonly probe: () => Promise<boolean>,
    private readonly onStateChange: (state: BreakerState) => void = () => undefined,
  ) {}

  get state(): BreakerState {
    return this.currentState;
  }

  /** How many times the breaker has opened since start. */
  get timesOpened(): number {
    return this.openedCount;
  }

  get isOpen(): boolean {
    return this.currentState === 'open';
  }

  recordSuccess(): void {
    this.consecutiveFailures = 0;
    if (this.currentState === 'open') this.close();
  }

  recordFailure(): void {
    this.consecutiveFailures += 1;
    if (this.currentState === 'closed' && this.consecutiveFailures >= this.failureThreshold) {
      this.open();
    }
  }

  /** Opens the breaker at once (for example when the connection is lost). */
  open(): void {
    if (this.currentState === 'open') return;
    this.currentState = 'open';
    this.openedCount += 1;
    this.onStateChange('open');
    this.probeTimer = setInterval(() => void this.runProbe(), this.probeIntervalMs);
    this.probeTimer.unref();
  }

  close(): void {
    if (this.probeTimer) clearInterval(this.probeTimer);
    this.probeTimer = undefined;
    this.consecutiveFailures = 0;
    if (this.currentState === 'closed') return;
    this.currentState = 'closed';
    this.onStateChange('closed');
  }

  /** Stops the probe; used at shutdown. */
  dispose(): void {
    if (this.probeTimer) clearInterval(this.probeTimer);
    this.probeTimer = undefined;
  }

  private async runProbe(): Promise<void> {
    if (this.probing) return;
    this.probing = true;
    try {
      if (await this.probe()) this.close();
    } catch {
      // The probe failing is the expected case while Redis is away.
    } finally {
      this.probing = false;
    }
  }
}
