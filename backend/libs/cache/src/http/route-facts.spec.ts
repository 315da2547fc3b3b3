import { Controller, Get, Next, Redirect, Render, Res, Sse, Version } from '@nestjs/common';
import { RouteFactsReader } from './route-facts.js';

@Controller({ path: 'r', version: '2' })
class Routes {
  @Get('plain')
  plain(): void {}

  @Sse('sse')
  sse(): void {}

  @Get('raw')
  raw(@Res() _res: unknown): void {}

  @Get('passthrough')
  passthrough(@Res({ passthrough: true }) _res: unknown): void {}

  @Get('next')
  next(@Next() _next: unknown): void {}

  @Get('render')
  @Render('page')
  render(): void {}

  @Get('redirect')
  @Redirect('/elsewhere')
  redirect(): void {}

  @Get('v1')
  @Version('1')
  v1(): void {}
}

describe('RouteFactsReader', () => {
  const reader = new RouteFactsReader();
  const facts = (name: keyof Routes) => reader.of(Routes, Routes.prototype[name]);

  it('passes through streams, handlers that write the response, templates and redirects', () => {
    expect(facts('plain').passThrough).toBe(false);
    expect(facts('passthrough').passThrough).toBe(false);
    for (const name of ['sse', 'raw', 'next', 'render', 'redirect'] as const) {
      expect(facts(name).passThrough).toBe(true);
    }
  });

  it('runs in the background only handlers that never touch the response', () => {
    expect(facts('plain').refreshable).toBe(true);
    expect(facts('v1').refreshable).toBe(true);
    for (const name of ['passthrough', 'sse', 'raw', 'next', 'render', 'redirect'] as const) {
      expect(facts(name).refreshable).toBe(false);
    }
  });

  it('reads the version of the method, else of the controller', () => {
    expect(facts('v1').version).toBe('1');
    expect(facts('plain').version).toBe('2');
  });
});
