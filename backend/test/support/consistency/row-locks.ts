/**
 * Writers of one row take turns (database write, then invalidation), as a row lock would make
 * them: two write-through `set`s of one row racing would otherwise leave the older value last,
 * which the cache may rightly keep.
 */
export class RowLocks {
  private readonly tails = new Map<number, Promise<void>>();

  /** Resolves with the release function once the row is free. */
  async acquire(row: number): Promise<() => void> {
    const previous = this.tails.get(row) ?? Promise.resolve();
    let release: () => void = () => undefined;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => mine);
    this.tails.set(row, tail);
    await previous;
    return () => {
      release();
      if (this.tails.get(row) === tail) this.tails.delete(row);
    };
  }
}
