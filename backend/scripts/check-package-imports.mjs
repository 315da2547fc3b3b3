// Installs a packed cache library (`node check-package-imports.mjs <tarball>`) into a folder
// under `dist-pack/` and checks it as Node sees it:
// - every entry point of `exports` loads with `import()`, by its package name;
// - the main entry's module graph (JavaScript and declarations) does not refer to the optional
//   peers `@nestjs/terminus` and `@nestjs/throttler`: only their own entries do. Entries that
//   need neither are also imported with both made unresolvable.
// The peers resolve from the repository's node_modules (the folder sits inside it).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const tarball = resolve(process.argv[2] ?? '');
const root = process.cwd();
const folder = join(root, 'dist-pack', 'import-check');
const packageDir = join(folder, 'node_modules', 'nestjs-coherent-cache');

rmSync(folder, { recursive: true, force: true });
mkdirSync(packageDir, { recursive: true });
const untar = spawnSync('tar', ['-xzf', tarball, '-C', packageDir, '--strip-components=1'], {
  stdio: 'inherit',
});
if (untar.status !== 0) process.exit(untar.status ?? 1);

const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
const entries = Object.keys(manifest.exports).filter((key) => key !== './package.json');
const OPTIONAL = ['@nestjs/terminus', '@nestjs/throttler'];
const SPECIFIER = /(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g;

/** The bare specifiers that a file and the relative imports it reaches refer to. */
function bareSpecifiers(file, seen = new Set(), found = new Set()) {
  if (seen.has(file)) return found;
  seen.add(file);
  for (const [, specifier] of readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
    if (!specifier.startsWith('.')) found.add(specifier);
    else {
      const target = resolve(dirname(file), specifier);
      const next = file.endsWith('.d.ts') ? target.replace(/\.js$/, '.d.ts') : target;
      bareSpecifiers(next, seen, found);
    }
  }
  return found;
}

/** A `data:` URL of module hooks under which `peers` cannot be resolved. */
function blockingHooks(peers) {
  const source =
    `const peers = ${JSON.stringify(peers)};\n` +
    `export async function resolve(specifier, context, next) {\n` +
    `  if (peers.some((peer) => specifier === peer || specifier.startsWith(peer + '/')))\n` +
    `    throw new Error('optional peer loaded: ' + specifier);\n` +
    `  return next(specifier, context);\n` +
    `}\n`;
  return `data:text/javascript,${encodeURIComponent(source)}`;
}

let failed = false;
writeFileSync(join(folder, 'package.json'), JSON.stringify({ type: 'module', private: true }));
for (const entry of entries) {
  const name = join(manifest.name, entry);
  const target = manifest.exports[entry];
  const runtime = [...bareSpecifiers(join(packageDir, target.import))];
  const types = [...bareSpecifiers(join(packageDir, target.types))];
  const script = join(folder, 'import-entry.mjs');
  const optional = OPTIONAL.filter((peer) => runtime.includes(peer) || types.includes(peer));
  // Without an optional peer in its graph, the entry must load with the peers missing.
  const blocked = optional.length === 0 ? OPTIONAL : [];
  writeFileSync(
    script,
    `import { register } from 'node:module';\n` +
      `register(${JSON.stringify(blockingHooks(blocked))});\n` +
      `await import('reflect-metadata');\nconst m = await import(${JSON.stringify(name)});\n` +
      `console.log(Object.keys(m).length);\n`,
  );
  const result = spawnSync(process.execPath, [script], { cwd: folder, encoding: 'utf8' });
  const exported = result.stdout.trim();
  if (result.status !== 0) {
    failed = true;
    console.error(`${name}: import() failed\n${result.stderr}`);
    continue;
  }
  console.log(
    `${name}: ${exported} exports; optional peers in its graph: ${optional.join(', ') || 'none'}` +
      (blocked.length > 0 ? ` (loaded with ${blocked.join(', ')} unresolvable)` : ''),
  );
  if (entry === '.' && optional.length > 0) failed = true;
}
rmSync(folder, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
