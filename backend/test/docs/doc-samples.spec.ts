import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import ts from 'typescript';

const REPO_ROOT = join(import.meta.dirname, '..', '..', '..');
const LIBRARY = join(REPO_ROOT, 'backend', 'libs', 'cache');

/** One ```ts block of a Markdown file. */
interface Sample {
  doc: string;
  line: number;
  fileName: string;
  code: string;
}

/**
 * The TypeScript samples of the package's README and its `docs/`. A sample whose first line is
 * a comment naming a file (`// prices.service.ts`) is written under that name, so another
 * sample of the same document can import it.
 */
async function samples(): Promise<Sample[]> {
  const docsDir = join(LIBRARY, 'docs');
  const docs = [
    join(LIBRARY, 'README.md'),
    ...(await readdir(docsDir)).filter((f) => f.endsWith('.md')).map((f) => join(docsDir, f)),
  ];
  const found: Sample[] = [];
  for (const doc of docs) {
    const lines = (await readFile(doc, 'utf8')).split('\n');
    for (let i = 0; i < lines.length; i += 1) {
      if (lines[i]?.trim() !== '```ts') continue;
      const start = i + 1;
      let end = start;
      while (end < lines.length && lines[end]?.trim() !== '```') end += 1;
      const code = lines.slice(start, end).join('\n');
      const named = /^\/\/ ([\w.-]+\.ts)$/.exec(lines[start] ?? '');
      const base = relative(REPO_ROOT, doc).replace(/[^\w]+/g, '_');
      found.push({
        doc: relative(REPO_ROOT, doc),
        line: start + 1,
        fileName: join(base, named?.[1] ?? `sample-${start + 1}.ts`),
        code,
      });
      i = end;
    }
  }
  return found;
}

describe('code samples of the package README and docs/', () => {
  it('all compile under strict against the package entries', async () => {
    const all = await samples();
    expect(all.length).toBeGreaterThan(10);
    // Inside the repository, so that Node's resolution finds the dependencies.
    const outDir = join(REPO_ROOT, 'node_modules', '.cache', `doc-samples-${process.pid}`);
    await rm(outDir, { recursive: true, force: true });
    try {
      const files: string[] = [];
      for (const sample of all) {
        const path = join(outDir, sample.fileName);
        await mkdir(join(path, '..'), { recursive: true });
        await writeFile(path, `${sample.code}\n`);
        files.push(path);
      }
      const config = ts.readConfigFile(join(REPO_ROOT, 'tsconfig.json'), (p) => ts.sys.readFile(p));
      const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, REPO_ROOT);
      const program = ts.createProgram(files, { ...parsed.options, noEmit: true });
      const problems = ts
        .getPreEmitDiagnostics(program)
        .filter((d) => d.file && files.includes(d.file.fileName))
        .map((d) => {
          const sample = all[files.indexOf(d.file?.fileName ?? '')] as Sample;
          const at = d.file?.getLineAndCharacterOfPosition(d.start ?? 0).line ?? 0;
          return `${sample.doc}:${sample.line + at}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
        });
      expect(problems).toEqual([]);
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  }, 60_000);
});
