// Builds the cache library and the backend (`npm run build`) unless both builds are newer than
// every source file and build setting, so that `npm start` on an unchanged tree starts at once.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';

const root = process.cwd();
const stamp = join(root, 'dist', '.tsbuildinfo');
const outputs = [
  stamp,
  join(root, 'dist', 'main.js'),
  join(root, 'backend', 'libs', 'cache', 'dist', 'index.js'),
];

function newestMtimeMs(path) {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtimeMs(join(path, name)));
  return newest;
}

const inputs = [
  'backend/src',
  'backend/libs/cache/src',
  'backend/libs/cache/package.json',
  'backend/libs/cache/tsconfig.lib.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'package.json',
];
const current =
  outputs.every((path) => existsSync(path)) &&
  statSync(stamp).mtimeMs >= Math.max(...inputs.map((p) => newestMtimeMs(join(root, p))));

if (current) {
  console.log('dist/ is current: no build needed');
} else {
  const build = (args) => spawnSync(process.execPath, args, { stdio: 'inherit' }).status ?? 1;
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  let status = build([join(root, 'backend', 'scripts', 'build-lib.mjs')]);
  if (status === 0) status = build([tsc, '-p', 'tsconfig.build.json']);
  // tsc leaves its build info untouched when nothing changed: mark the build as current.
  if (status === 0 && existsSync(stamp)) utimesSync(stamp, new Date(), new Date());
  process.exit(status);
}
