// Builds the cache library (`backend/libs/cache`) into its `dist/`, from an empty folder so that
// no file of a removed source survives in the package.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

const root = process.cwd();
rmSync(join(root, 'backend', 'libs', 'cache', 'dist'), { recursive: true, force: true });
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const result = spawnSync(process.execPath, [tsc, '-p', 'backend/libs/cache/tsconfig.lib.json'], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
