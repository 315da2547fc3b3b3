import { Redis } from 'ioredis';

/** The database the loaders read and the writers change: rows with versions. */
export interface RowStore {
  /** Changes the row; resolves with its new version. */
  write(row: number): Promise<number>;
  /** The row's version now (taken when the call begins, as a query's snapshot). */
  read(row: number): Promise<number>;
}

/**
 * The database of an in-process run: versions in a map, read and changed at the instant of the
 * call (the scheduler decides when loaders answer).
 */
export class SimulatedDatabase implements RowStore {
  private readonly versions = new Map<number, number>();

  write(row: number): Promise<number> {
    const version = (this.versions.get(row) ?? 0) + 1;
    this.versions.set(row, version);
    return Promise.resolve(version);
  }

  read(row: number): Promise<number> {
    return Promise.resolve(this.versions.get(row) ?? 0);
  }
}

/**
 * The database shared by the processes of a cross-process run: one key per row in a Redis of
 * its own (never faulted, `noeviction`), `INCR` to change a row, `GET` to read it.
 */
export class RedisRowStore implements RowStore {
  private constructor(
    private readonly client: Redis,
    private readonly prefix: string,
  ) {}

  /** Connects to the database server at `url`; rows live under `<prefix>:row:<id>`. */
  static async connect(url: string, prefix: string): Promise<RedisRowStore> {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3 });
    await client.connect();
    return new RedisRowStore(client, prefix);
  }

  write(row: number): Promise<number> {
    return this.client.incr(this.rowKey(row));
  }

  async read(row: number): Promise<number> {
    return Number((await this.client.get(this.rowKey(row))) ?? '0');
  }

  async close(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }

  private rowKey(row: number): string {
    return `${this.prefix}:row:${row}`;
  }
}
