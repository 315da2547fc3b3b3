// `npm run api:check`: builds the cache library's declarations and compares the API of each entry
// point with its report in `backend/libs/cache/etc/` (API Extractor); fails when one differs, so
// that no export is added or removed by accident. `npm run api:update` (`--update`) writes the
// reports instead, to accept a change.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';

const root = process.cwd();
const library = join(root, 'backend', 'libs', 'cache');
const update = process.argv.includes('--update');
const configs = [
  'api-extractor.json',
  'api-extractor.testing.json',
  'api-extractor.health.json',
  'api-extractor.throttler.json',
];

const build = spawnSync(process.execPath, [join(root, 'backend', 'scripts', 'build-lib.mjs')], {
  stdio: 'inherit',
});
if (build.status !== 0) process.exit(build.status ?? 1);

let failed = false;
for (const config of configs) {
  const extractorConfig = ExtractorConfig.loadFileAndPrepare(join(library, config));
  if (update) mkdirSync(extractorConfig.reportFolder, { recursive: true });
  const report = extractorConfig.reportConfigs
    .map(({ fileName }) => relative(root, join(extractorConfig.reportFolder, fileName)))
    .join(', ');
  const result = Extractor.invoke(extractorConfig, {
    localBuild: update,
    showVerboseMessages: false,
    printApiReportDiff: !update,
    // The project's TypeScript, not the one API Extractor bundles.
    typescriptCompilerFolder: join(root, 'node_modules', 'typescript'),
  });
  if (!result.succeeded) {
    failed = true;
    console.error(
      result.apiReportChanged
        ? `${report} differs from the API: check the change, then run npm run api:update`
        : `${report}: ${result.errorCount} errors, ${result.warningCount} warnings`,
    );
  } else {
    console.log(`${report}: ${result.apiReportChanged ? 'updated' : 'unchanged'}`);
  }
}
process.exit(failed ? 1 : 0);
