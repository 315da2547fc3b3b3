import { Controller, Get, Req, UseGuards } from '@nestjs/common';
import { Cacheable } from 'nestjs-coherent-cache';
import { SimulatedDb, type ReadStamp } from '../shared/simulated-db.js';
import { DemoAuthGuard } from './demo-auth.guard.js';
import type { DemoUser } from './demo-users.js';

/** `GET /me`: the caller's own profile, cached per user (`Cache-Control: private`). */
@Controller('me')
export class MeController {
  constructor(private readonly db: SimulatedDb) {}

  @Get()
  @UseGuards(DemoAuthGuard)
  @Cacheable({ ttlSeconds: 60, scope: 'user', queryParams: [] })
  async me(@Req() request: { user: DemoUser }): Promise<DemoUser & ReadStamp> {
    const stamp = await this.db.read();
    return { ...request.user, ...stamp };
  }
}
