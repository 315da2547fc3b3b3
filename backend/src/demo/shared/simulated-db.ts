import { Injectable } from '@nestjs/common';
import { InjectAppConfig, type AppConfig } from '../../config/index.js';

/** What every simulated read stamps on the data it returns. */
export interface ReadStamp {
  /** When the read that produced this data happened (ISO 8601). */
  loadedAt: string;
  /** This process's count of reads, this one included. */
  loadSeq: number;
}

/**
 * Stands in for a database: each read takes `DEMO_DB_LATENCY_MS` and is counted, so that tests
 * and users can see how often the cache let a read through.
 */
@Injectable()
export class SimulatedDb {
  private reads = 0;

  constructor(@InjectAppConfig() private readonly config: AppConfig) {}

  /** Waits the configured latency, then stamps the read. */
  async read(): Promise<ReadStamp> {
    const latencyMs = this.config.demo.dbLatencyMs;
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    this.reads += 1;
    return { loadedAt: new Date().toISOString(), loadSeq: this.reads };
  }

  /** Reads made so far by this process. */
  get readCount(): number {
    return this.reads;
  }
}
