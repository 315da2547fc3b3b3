import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { envSchema } from '../../src/config/env.schema.js';

const root = process.cwd();
const compose = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
const example = readFileSync(join(root, '.env.example'), 'utf8');

/** Variables the compose file takes from the environment: `${NAME}`, `${NAME:-x}`, `${NAME:?x}`. */
function composeVariables(text: string): Set<string> {
  const names = new Set<string>();
  // `$$` escapes a dollar for the container's shell: not a compose variable.
  for (const match of text.replaceAll('$$', '').matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)) {
    names.add(match[1] as string);
  }
  return names;
}

/** Variables of `.env.example`, each with the comment line right above it. */
function documentedVariables(text: string): Map<string, string> {
  const lines = text.split('\n');
  const documented = new Map<string, string>();
  lines.forEach((line, i) => {
    const match = /^([A-Z][A-Z0-9_]*)=/.exec(line);
    if (!match) return;
    const above = lines[i - 1] ?? '';
    documented.set(match[1] as string, above.startsWith('#') ? above : '');
  });
  return documented;
}

describe('.env.example', () => {
  const documented = documentedVariables(example);

  it('documents every variable docker-compose.yml uses', () => {
    const used = [...composeVariables(compose)];
    expect(used.length).toBeGreaterThan(5);
    expect(used.filter((name) => !documented.has(name))).toEqual([]);
  });

  it('documents every variable the backend reads', () => {
    const read = Object.keys(envSchema.shape);
    expect(read.filter((name) => !documented.has(name))).toEqual([]);
  });

  it('lists nothing that neither the backend nor the compose file reads', () => {
    const known = new Set([...Object.keys(envSchema.shape), ...composeVariables(compose)]);
    expect([...documented.keys()].filter((name) => !known.has(name))).toEqual([]);
  });

  it('gives every variable the compose file requires a value, so that `cp .env.example .env && docker compose up` works', () => {
    const required = [...compose.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*):\?/g)].map((m) => m[1]);
    expect(required.length).toBeGreaterThan(0);
    const values = new Map(
      [...example.matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1], m[2]]),
    );
    expect(
      required.filter((name) => !/^[A-Za-z0-9]+$/.test(values.get(name as string) ?? '')),
    ).toEqual([]);
  });

  it('gives each variable a comment', () => {
    const bare = [...documented].filter(([, comment]) => comment === '').map(([name]) => name);
    expect(bare).toEqual([]);
  });
});

describe('docker-compose.yml', () => {
  it('runs a cache Redis (allkeys-lru, 256mb, no persistence) and a queue Redis (noeviction, appendonly)', () => {
    const cache = compose.slice(
      compose.indexOf('\n  cache-redis:\n'),
      compose.indexOf('\n  queue-redis:\n'),
    );
    const queue = compose.slice(
      compose.indexOf('\n  queue-redis:\n'),
      compose.indexOf('\nvolumes:'),
    );
    expect(cache).toMatch(/--maxmemory 256mb --maxmemory-policy allkeys-lru/);
    expect(cache).toMatch(/--save '' --appendonly no/);
    expect(queue).toMatch(/--maxmemory-policy noeviction/);
    expect(queue).toMatch(/--appendonly yes/);
    for (const service of [cache, queue]) {
      expect(service).toMatch(/--requirepass "\$\$REDIS_PASSWORD"/);
      expect(service).toMatch(/healthcheck:/);
    }
    expect(compose).toMatch(/backend:[\s\S]*healthcheck:/);
  });
});
