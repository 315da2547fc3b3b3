// `npm run lint:package`: packs the cache library (`npm run pack`), then checks the tarball with
// publint (package.json and files) and Are the Types Wrong (types of every entry point, with the
// `esm-only` profile: the package ships ES modules only, so `require` is not a supported way in).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = process.cwd();

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run(process.execPath, [join(root, 'backend', 'scripts', 'pack-lib.mjs')]);
const tarballs = readdirSync(join(root, 'dist-pack')).filter((name) => name.endsWith('.tgz'));
if (tarballs.length !== 1) {
  console.error(`expected one tarball in dist-pack/, found ${tarballs.length}`);
  process.exit(1);
}
const tarball = join(root, 'dist-pack', tarballs[0]);
const bin = (name) => join(root, 'node_modules', '.bin', name);
run(bin('publint'), ['run', tarball, '--strict']);
run(bin('attw'), [tarball, '--profile', 'esm-only']);
run(process.execPath, [join(root, 'backend', 'scripts', 'check-package-imports.mjs'), tarball]);
