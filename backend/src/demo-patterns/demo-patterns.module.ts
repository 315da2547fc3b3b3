import { Module } from '@nestjs/common';
import { EventsController } from './events.controller.js';
import { LimitedController } from './limited.controller.js';
import { SessionGuard } from './session.guard.js';
import { SessionsController } from './sessions.controller.js';
import { SessionStoreUnavailableFilter } from './session-store-unavailable.filter.js';

/** Reference routes for sessions, rate limiting and pub/sub: wiring only. */
@Module({
  controllers: [SessionsController, LimitedController, EventsController],
  providers: [SessionGuard, SessionStoreUnavailableFilter],
})
export class DemoPatternsModule {}
