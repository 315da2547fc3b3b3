import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Post,
  Req,
  UnauthorizedException,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { SessionService, type Session, NoCache } from 'nestjs-coherent-cache';
import { DEMO_USERS, type DemoSessionData } from './demo-users.js';
import { SessionGuard, type SessionRequest } from './session.guard.js';
import { SessionStoreUnavailableFilter } from './session-store-unavailable.filter.js';

/** The public view of a session: never the raw Redis entry. */
function view(session: Session<DemoSessionData>) {
  return {
    userId: session.userId,
    session: `${session.userId}.${session.sessionId}`,
    data: session.data,
    createdAt: new Date(session.createdAt).toISOString(),
  };
}

/**
 * Sessions of the reference backend. `POST /sessions` with `{ "token": "alice-token" }` logs
 * in and answers the handle to send back in `x-session`.
 */
// Live state: never cached, even with CacheInterceptor applied globally.
@NoCache()
@Controller('sessions')
@UseFilters(SessionStoreUnavailableFilter)
export class SessionsController {
  constructor(private readonly sessions: SessionService<DemoSessionData>) {}

  @Post()
  async login(@Body() body: { token?: unknown } | undefined) {
    const userId = typeof body?.token === 'string' ? DEMO_USERS[body.token] : undefined;
    if (!userId) throw new UnauthorizedException('Unknown login token');
    const session = await this.sessions.create(userId, {
      loginAt: new Date().toISOString(),
      visits: 0,
    });
    return view(session);
  }

  @Get('current')
  @UseGuards(SessionGuard)
  async current(@Req() request: SessionRequest) {
    const session = request.session as Session<DemoSessionData>;
    const data = { ...session.data, visits: session.data.visits + 1 };
    await this.sessions.update(session.userId, session.sessionId, data);
    return view({ ...session, data });
  }

  @Delete('current')
  @HttpCode(204)
  @UseGuards(SessionGuard)
  async logout(@Req() request: SessionRequest): Promise<void> {
    const session = request.session as Session<DemoSessionData>;
    await this.sessions.delete(session.userId, session.sessionId);
  }

  @Delete()
  @UseGuards(SessionGuard)
  async logoutEverywhere(@Req() request: SessionRequest) {
    const session = request.session as Session<DemoSessionData>;
    return { deleted: await this.sessions.deleteAll(session.userId) };
  }
}
