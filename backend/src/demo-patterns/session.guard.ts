import {
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { SessionService, type Session } from 'nestjs-coherent-cache';
import { SESSION_HEADER, type DemoSessionData } from './demo-users.js';

/** A request that passed {@link SessionGuard}. */
export interface SessionRequest {
  headers: Record<string, string | string[] | undefined>;
  session?: Session<DemoSessionData>;
}

/** Splits `<userId>.<sessionId>`; `null` when malformed. */
export function parseSessionHandle(value: unknown): { userId: string; sessionId: string } | null {
  if (typeof value !== 'string') return null;
  const dot = value.lastIndexOf('.');
  if (dot <= 0 || dot === value.length - 1) return null;
  return { userId: value.slice(0, dot), sessionId: value.slice(dot + 1) };
}

/**
 * Lets a request through only with a live session (sliding its expiry); 401 without one.
 * When Redis is down, `SessionService` throws `SessionStoreUnavailableError` (503 through
 * the filter): the guard never treats "cannot ask" as "no session".
 */
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(private readonly sessions: SessionService<DemoSessionData>) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<SessionRequest>();
    const handle = parseSessionHandle(request.headers[SESSION_HEADER]);
    if (!handle) throw new UnauthorizedException('A session is required');
    const session = await this.sessions.get(handle.userId, handle.sessionId);
    if (!session) throw new UnauthorizedException('The session has expired or does not exist');
    request.session = session;
    return true;
  }
}
