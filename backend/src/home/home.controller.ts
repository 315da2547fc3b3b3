import { Controller, Get } from '@nestjs/common';
import { InjectAppConfig, type AppConfig } from '../config/index.js';

/** `GET /`: what this service is; answers without touching Redis. */
@Controller()
export class HomeController {
  constructor(@InjectAppConfig() private readonly config: AppConfig) {}

  @Get()
  describe(): { name: string; status: 'ok' } {
    return { name: this.config.appName, status: 'ok' };
  }
}
