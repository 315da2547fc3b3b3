import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { RedisService } from '../connection/redis.service.js';
import { StateRedis } from '../connection/state-redis.js';
import { CacheError, RedisTimeoutError, SessionStoreUnavailableError } from '../errors/index.js';
import { encodeKeyPart } from '../keys/index.js';
import { resolvePatternsOptions } from './patterns.options.js';
import { INDEX_SESSION_SCRIPT, TOUCH_SESSION_SCRIPT } from './session.scripts.js';
import type { Session, SessionWriteOptions } from './session.types.js';

/**
 * Sessions in Redis under `session:<userId>:<sessionId>`, with a sliding expiry (every read
 * pushes it forward) and a per-user index set (`session-index:<userId>`) so that all of a
 * user's sessions can be deleted without SCAN.
 *
 * Unlike the cache, a session store must not pretend: when Redis cannot answer, every method
 * throws `SessionStoreUnavailableError` within the command timeout. It never answers "no
 * session" (which would log the user out) nor creates a fresh session in its place.
 */
@Injectable()
export class SessionService<T = Record<string, unknown>> {
  private readonly defaultTtlSeconds: number;
  private readonly timeoutMs: number;

  private readonly redis: RedisService;

  constructor(state: StateRedis) {
    const redis = state.redis;
    this.redis = redis;
    const options = resolvePatternsOptions(
      redis.settings.patterns,
      redis.settings.commandTimeoutMs,
    );
    this.defaultTtlSeconds = options.sessionTtlSeconds;
    this.timeoutMs = options.sessionTimeoutMs;
  }

  /**
   * Creates a session for `userId` with a new unguessable id.
   *
   * @throws SessionStoreUnavailableError when Redis cannot answer (nothing usable was created).
   */
  async create(userId: string, data: T, options: SessionWriteOptions = {}): Promise<Session<T>> {
    const ttlMs = this.ttlMs(options.ttlSeconds);
    const now = Date.now();
    const session: Session<T> = {
      userId,
      sessionId: randomBytes(16).toString('base64url'),
      data,
      createdAt: now,
      updatedAt: now,
    };
    const key = this.sessionKey(userId, session.sessionId);
    await this.run('session.create', () =>
      this.redis.executeWrite({ operation: 'session.create' }, [key], 'SET', [
        key,
        JSON.stringify(session),
        'PX',
        ttlMs,
        'NX',
      ]),
    );
    await this.index(userId, session.sessionId, ttlMs);
    return session;
  }

  /**
   * Reads a session and slides its expiry (default TTL). Returns `null` when it does not exist
   * or has expired.
   *
   * @throws SessionStoreUnavailableError when Redis cannot answer.
   */
  async get(
    userId: string,
    sessionId: string,
    options: SessionWriteOptions = {},
  ): Promise<Session<T> | null> {
    if (!isSessionId(sessionId)) return null;
    const ttlMs = this.ttlMs(options.ttlSeconds);
    const key = this.sessionKey(userId, sessionId);
    const text = await this.run('session.get', () =>
      this.redis.execute({ operation: 'session.get' }, (client) =>
        TOUCH_SESSION_SCRIPT.run(client, [key], [ttlMs]),
      ),
    );
    if (typeof text !== 'string') return null;
    const session = parseSession<T>(text);
    if (!session) return null;
    // The index must outlive its sessions. Not awaited: the answer does not depend on it, and a
    // failure is repaired by the next read or write.
    this.index(userId, sessionId, ttlMs).catch(() => undefined);
    return session;
  }

  /**
   * Replaces a session's data and resets its expiry. Returns `false` when the session no longer
   * exists (it is never recreated).
   *
   * @throws SessionStoreUnavailableError when Redis cannot answer.
   */
  async update(
    userId: string,
    sessionId: string,
    data: T,
    options: SessionWriteOptions = {},
  ): Promise<boolean> {
    if (!isSessionId(sessionId)) return false;
    const ttlMs = this.ttlMs(options.ttlSeconds);
    const key = this.sessionKey(userId, sessionId);
    const current = await this.get(userId, sessionId, options);
    if (!current) return false;
    const next: Session<T> = { ...current, data, updatedAt: Date.now() };
    const reply = await this.run('session.update', () =>
      this.redis.executeWrite({ operation: 'session.update' }, [key], 'SET', [
        key,
        JSON.stringify(next),
        'PX',
        ttlMs,
        'XX',
      ]),
    );
    return reply !== null;
  }

  /**
   * Deletes one session. Returns whether it existed.
   *
   * @throws SessionStoreUnavailableError when Redis cannot answer.
   */
  async delete(userId: string, sessionId: string): Promise<boolean> {
    if (!isSessionId(sessionId)) return false;
    const key = this.sessionKey(userId, sessionId);
    const indexKey = this.indexKey(userId);
    const deleted = await this.run('session.delete', () =>
      this.redis.execute({ operation: 'session.delete' }, (client) => client.unlink(key)),
    );
    await this.run('session.delete', () =>
      this.redis.execute({ operation: 'session.delete' }, (client) =>
        client.srem(indexKey, sessionId),
      ),
    );
    return Number(deleted) === 1;
  }

  /**
   * Deletes every session of `userId` (log out everywhere), through the user's index: no SCAN.
   * Returns how many sessions existed.
   *
   * @throws SessionStoreUnavailableError when Redis cannot answer.
   */
  async deleteAll(userId: string): Promise<number> {
    const indexKey = this.indexKey(userId);
    const ids = await this.run('session.deleteAll', () =>
      this.redis.execute({ operation: 'session.deleteAll' }, (client) => client.smembers(indexKey)),
    );
    let deleted = 0;
    // One key per command: session keys of one user may live on different Cluster slots.
    for (const batch of chunk(ids, 100)) {
      const counts = await Promise.all(
        batch.map((id) =>
          this.run('session.deleteAll', () =>
            this.redis.execute({ operation: 'session.deleteAll' }, (client) =>
              client.unlink(this.sessionKey(userId, id)),
            ),
          ),
        ),
      );
      deleted += counts.reduce((sum, n) => sum + Number(n), 0);
    }
    await this.run('session.deleteAll', () =>
      this.redis.execute({ operation: 'session.deleteAll' }, (client) => client.unlink(indexKey)),
    );
    return deleted;
  }

  /**
   * The ids of `userId`'s live sessions (expired ones are pruned from the index on the way).
   *
   * @throws SessionStoreUnavailableError when Redis cannot answer.
   */
  async list(userId: string): Promise<string[]> {
    const indexKey = this.indexKey(userId);
    const ids = await this.run('session.list', () =>
      this.redis.execute({ operation: 'session.list' }, (client) => client.smembers(indexKey)),
    );
    const live: string[] = [];
    const dead: string[] = [];
    await Promise.all(
      ids.map(async (id) => {
        const exists = await this.run('session.list', () =>
          this.redis.execute({ operation: 'session.list' }, (client) =>
            client.exists(this.sessionKey(userId, id)),
          ),
        );
        (exists === 1 ? live : dead).push(id);
      }),
    );
    if (dead.length > 0) {
      await this.run('session.list', () =>
        this.redis.execute({ operation: 'session.list' }, (client) =>
          client.srem(indexKey, ...dead),
        ),
      );
    }
    return live.sort();
  }

  /** `session:<userId>:<sessionId>` in the module's namespace. */
  protected sessionKey(userId: string, sessionId: string): string {
    return this.redis.namespace.toRedisKey(`session:${encodeKeyPart(userId)}:${sessionId}`);
  }

  /** `session-index:<userId>` in the module's namespace. */
  protected indexKey(userId: string): string {
    return this.redis.namespace.toRedisKey(`session-index:${encodeKeyPart(userId)}`);
  }

  private async index(userId: string, sessionId: string, ttlMs: number): Promise<void> {
    const indexKey = this.indexKey(userId);
    await this.run('session.index', () =>
      this.redis.execute({ operation: 'session.index' }, (client) =>
        INDEX_SESSION_SCRIPT.run(client, [indexKey], [sessionId, ttlMs]),
      ),
    );
  }

  /** Runs one Redis step within the session timeout; Redis failures become the typed error. */
  private async run<R>(operation: string, fn: () => Promise<R>): Promise<R> {
    let timer: NodeJS.Timeout | undefined;
    const pending = fn();
    try {
      return await Promise.race([
        pending,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new RedisTimeoutError(operation, this.timeoutMs)),
            this.timeoutMs,
          );
        }),
      ]);
    } catch (error) {
      pending.catch(() => undefined);
      if (error instanceof CacheError) throw new SessionStoreUnavailableError(operation, error);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  private ttlMs(ttlSeconds: number | undefined): number {
    const seconds = ttlSeconds ?? this.defaultTtlSeconds;
    if (!(seconds > 0)) throw new RangeError('ttlSeconds must be a positive number');
    return Math.max(1, Math.round(seconds * 1000));
  }
}

/** Session ids are 22 base64url characters; anything else cannot be one of ours. */
function isSessionId(value: string): boolean {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{22}$/.test(value);
}

function parseSession<T>(text: string): Session<T> | null {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return null;
    const session = value as Partial<Session<T>>;
    if (typeof session.userId !== 'string' || typeof session.sessionId !== 'string') return null;
    return session as Session<T>;
  } catch {
    return null;
  }
}

function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
