import { luaCveWarning, parseRedisInfo } from './redis-server-info.js';

describe('parseRedisInfo', () => {
  it('reads the version and the eviction policy from INFO text', () => {
    const text = [
      '# Server',
      'redis_version:7.2.11',
      'redis_mode:standalone',
      '',
      '# Memory',
      'maxmemory_policy:allkeys-lru',
    ].join('\r\n');
    expect(parseRedisInfo(text)).toEqual({ version: '7.2.11', maxmemoryPolicy: 'allkeys-lru' });
  });

  it('leaves fields undefined when INFO does not carry them', () => {
    expect(parseRedisInfo('# Clients\r\nconnected_clients:3')).toEqual({
      version: undefined,
      maxmemoryPolicy: undefined,
    });
  });
});

describe('luaCveWarning', () => {
  it.each(['6.2.14', '7.0.15', '7.2.10', '7.4.5', '8.0.3', '8.2.1'])('warns for %s', (v) => {
    expect(luaCveWarning(v)).toContain('CVE-2025-49844');
  });

  it.each(['7.2.11', '7.2.12', '7.4.6', '8.2.2', '8.4.0', '9.0.0'])('accepts %s', (v) => {
    expect(luaCveWarning(v)).toBeNull();
  });

  it('says nothing about a version it cannot read', () => {
    expect(luaCveWarning(undefined)).toBeNull();
    expect(luaCveWarning('unknown')).toBeNull();
  });
});
