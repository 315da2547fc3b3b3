import {
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { DEMO_TOKENS, type DemoUser } from './demo-users.js';

/** Accepts `Authorization: Bearer alice-token|bob-token` and sets `request.user`; else 401. */
@Injectable()
export class DemoAuthGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{
      headers: Record<string, string | string[] | undefined>;
      user?: DemoUser;
    }>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    const user = match?.[1] === undefined ? undefined : DEMO_TOKENS[match[1]];
    if (!user) throw new UnauthorizedException('a valid demo bearer token is required');
    request.user = user;
    return true;
  }
}
