/** A stored session. */
export interface Session<T> {
  /** The user the session belongs to. */
  userId: string;
  /** Unguessable id (128 random bits, base64url). */
  sessionId: string;
  /** What the application keeps in the session. */
  data: T;
  /** Creation time, epoch ms. */
  createdAt: number;
  /** Time of the last update, epoch ms. */
  updatedAt: number;
}

/** Options of `SessionService.create` and `update`. */
export interface SessionWriteOptions {
  /** Idle lifetime, in seconds. Default the module's `patterns.sessionTtlSeconds`. */
  ttlSeconds?: number;
}
