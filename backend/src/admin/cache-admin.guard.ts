import { createHash, timingSafeEqual } from 'node:crypto';
import {
  Injectable,
  NotFoundException,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { InjectAppConfig, type AppConfig } from '../config/index.js';

/**
 * Guards the `/cache` endpoints with `Authorization: Bearer <CACHE_ADMIN_TOKEN>`. While the token
 * is unset the endpoints do not exist (404); a missing or wrong token answers 401.
 */
@Injectable()
export class CacheAdminGuard implements CanActivate {
  private readonly expectedDigest: Buffer | undefined;

  constructor(@InjectAppConfig() config: AppConfig) {
    const token = config.cache.adminToken;
    this.expectedDigest = token === undefined ? undefined : digest(token);
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.expectedDigest === undefined) throw new NotFoundException();
    const request = context
      .switchToHttp()
      .getRequest<{ headers: Record<string, string | string[] | undefined> }>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    // Digests have one length, so the comparison takes the same time whatever was sent.
    if (!match?.[1] || !timingSafeEqual(digest(match[1]), this.expectedDigest)) {
      throw new UnauthorizedException('a valid admin bearer token is required');
    }
    return true;
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
