// `npm run start:dev`: recompiles the cache library and the backend on every change (tsc --watch)
// and restarts the backend when either build output changes (node --watch). Ctrl-C stops all.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const root = process.cwd();
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const env = { ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'development' };
const watch = (project) =>
  spawn(process.execPath, [tsc, '-p', project, '--watch', '--preserveWatchOutput'], {
    stdio: 'inherit',
  });
const children = [
  watch('backend/libs/cache/tsconfig.lib.json'),
  watch('tsconfig.build.json'),
  spawn(
    process.execPath,
    ['--watch-path=dist', '--watch-path=backend/libs/cache/dist', 'dist/main.js'],
    { stdio: 'inherit', env },
  ),
];
const stop = () => {
  for (const child of children) child.kill('SIGINT');
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const child of children) child.on('exit', () => stop());
