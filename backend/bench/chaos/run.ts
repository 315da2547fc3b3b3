import 'reflect-metadata';
import { table } from '../measure.js';
import type { FaultFigures } from './chaos.types.js';
import { CONTENDERS, DB_LATENCY_MS, startContender } from './contenders.js';
import {
  CLIENT_TIMEOUT_MS,
  HEALTHY_MS,
  HEALTHY_SHARE,
  STEADY_MS,
  WINDOW_MS,
  OBSERVE_MS,
  RATE_PER_SECOND,
  runFault,
} from './fault-run.js';
import { FAULTS } from './faults.js';

/** Every phase of one fault and app must end within this long, in ms. */
const FAULT_DEADLINE_MS = 90_000;

function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took over ${ms / 1000} s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function onlyArg(): string | undefined {
  const at = process.argv.indexOf('--only');
  if (at === -1) return undefined;
  const name = process.argv[at + 1];
  if (!name || !FAULTS.some((f) => f.name === name)) {
    throw new Error(`--only takes one of: ${FAULTS.map((f) => f.name).join(', ')}`);
  }
  return name;
}

const cells = (f: FaultFigures | string): string[] =>
  typeof f === 'string'
    ? [f, '', '', '']
    : [
        `${f.errors}/${f.requests}`,
        `${Math.round(f.p99Ms)} ms`,
        f.recoveryMs === null
          ? `> ${OBSERVE_MS / 1000} s`
          : `${(f.recoveryMs / 1000).toFixed(2)} s`,
        f.queued === null ? 'n/a' : String(f.queued),
      ];

async function main(): Promise<void> {
  const only = onlyArg();
  const started = Date.now();
  const say = (line: string) =>
    process.stdout.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}\n`);
  process.stdout.write(
    `chaos: GET /products/:id over HTTP at ${RATE_PER_SECOND} req/s, handler ${DB_LATENCY_MS} ms, client timeout ${CLIENT_TIMEOUT_MS / 1000} s; healthy = 2xx within ${HEALTHY_MS} ms or 2 x the lead-in p99 if larger; node ${process.version}\n`,
  );
  const rows: string[][] = [];
  for (const fault of FAULTS) {
    if (only && fault.name !== only) continue;
    const row: string[] = [fault.name];
    for (const name of CONTENDERS) {
      say(`${fault.name} / ${name}: ${fault.summary}`);
      let figures: FaultFigures | string;
      try {
        figures = await withDeadline(
          runOne(fault.prepare, name, process.argv.includes('--timeline')),
          FAULT_DEADLINE_MS,
          fault.name,
        );
        say(
          `  fault ${(figures.faultMs / 1000).toFixed(1)} s; errors ${figures.errors}/${figures.requests}, p99 ${Math.round(figures.p99Ms)} ms, recovery ${figures.recoveryMs === null ? 'not seen' : `${figures.recoveryMs} ms`} (healthy <= ${figures.healthyMs} ms), p50 of the last second ${figures.tailP50Ms} ms, queued ${figures.queued ?? 'n/a'}`,
        );
        if (figures.evidence) say(`  ${figures.evidence}`);
      } catch (error) {
        figures = `failed: ${error instanceof Error ? error.message : String(error)}`;
        say(`  ${figures}`);
      }
      row.push(...cells(figures));
    }
    rows.push(row);
  }
  const header = ['fault'];
  for (const name of CONTENDERS) {
    header.push(`${name}: errors`, 'p99', 'recovery', 'queued');
  }
  process.stdout.write(
    `\nerrors = non-2xx + client errors / requests started from fault start; recovery = fault end to the start of the first ${WINDOW_MS} ms window from which every window (for at least ${STEADY_MS / 1000} s) has ${HEALTHY_SHARE * 100}% of its requests healthy\n`,
  );
  for (const line of table(header, rows)) process.stdout.write(`${line}\n`);
  process.stdout.write(`\ntotal ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
}

async function runOne(
  prepare: (typeof FAULTS)[number]['prepare'],
  name: (typeof CONTENDERS)[number],
  timeline: boolean,
): Promise<FaultFigures> {
  const stage = await prepare();
  try {
    const contender = await startContender(name, stage.connection);
    try {
      return await runFault(stage, contender, timeline);
    } finally {
      await withDeadline(contender.close(), 10_000, 'closing the app').catch(() => undefined);
    }
  } finally {
    await stage.stop();
  }
}

// A client library that reports a dropped connection as an unhandled rejection must not end the run.
process.on('unhandledRejection', () => undefined);

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
