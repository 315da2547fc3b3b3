// Builds the backend unless dist/ is newer than every source file and build setting, so that
// `npm start` on an unchanged tree starts at once.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';

const root = process.cwd();
const stamp = join(root, 'dist', '.tsbuildinfo');

function newestMtimeMs(path) {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtimeMs(join(path, name)));
  return newest;
}

const inputs = ['backend/src', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];
const current =
  existsSync(stamp) &&
  existsSync(join(root, 'dist', 'main.js')) &&
  statSync(stamp).mtimeMs >= Math.max(...inputs.map((p) => newestMtimeMs(join(root, p))));

if (current) {
  console.log('dist/ is current: no build needed');
} else {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
    stdio: 'inherit',
  });
  // tsc leaves its build info untouched when nothing changed: mark the build as current.
  if (result.status === 0 && existsSync(stamp)) utimesSync(stamp, new Date(), new Date());
  process.exit(result.status ?? 1);
}
