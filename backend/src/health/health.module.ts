import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { RedisHealthIndicator } from 'nestjs-coherent-cache/health';
import { HealthController } from './health.controller.js';
import { ReadinessService } from './readiness.service.js';
import { ShutdownState } from './shutdown-state.service.js';

/** `/health`, `/health/live`, `/health/ready`, and the drain step of shutdown. */
@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [RedisHealthIndicator, ReadinessService, ShutdownState],
  exports: [ShutdownState, RedisHealthIndicator],
})
export class HealthModule {}
