import { Redis } from 'ioredis';
import type { RedisClient } from './redis-client.js';

/** `INFO` as the connection's user may see it: its text, or refused by an ACL. */
export type ServerInfo = { allowed: true; text: string } | { allowed: false };

/** The answer of the first `INFO` each client got. */
const firstAnswers = new WeakMap<RedisClient, Promise<ServerInfo | null>>();

/**
 * `INFO` (default sections) read once through `client`, bounded by its command timeout, and
 * remembered: the text, `{ allowed: false }` when an ACL refuses it (it is in `@dangerous`), or
 * `null` when Redis gave no answer (not remembered: the next call asks again). A refusal also
 * turns off ioredis's ready check on that client, which runs INFO at every connection and
 * printed a warning each time it was refused.
 */
export function readServerInfo(client: RedisClient): Promise<ServerInfo | null> {
  const known = firstAnswers.get(client);
  if (known) return known;
  const answer = client.info().then(
    (text): ServerInfo => ({ allowed: true, text }),
    (error: unknown): ServerInfo | null => {
      if (!(error instanceof Error && error.message.startsWith('NOPERM'))) return null;
      if (client instanceof Redis) client.options.enableReadyCheck = false;
      return { allowed: false };
    },
  );
  firstAnswers.set(client, answer);
  void answer.then((info) => {
    if (info === null) firstAnswers.delete(client);
  });
  return answer;
}
