// `npm run pack`: builds the cache library and writes its tarball to `dist-pack/` (emptied
// first, so that it holds one tarball). Prints the tarball's path.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = process.cwd();
const out = join(root, 'dist-pack');

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run(process.execPath, [join(root, 'backend', 'scripts', 'build-lib.mjs')]);
rmSync(out, { recursive: true, force: true });
mkdirSync(out);
const npm = process.env.npm_execpath;
const packArgs = ['pack', '--workspace', 'nestjs-coherent-cache', '--pack-destination', out];
if (npm) run(process.execPath, [npm, ...packArgs]);
else run('npm', packArgs);
for (const name of readdirSync(out)) console.log(join('dist-pack', name));
