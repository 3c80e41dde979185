import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FreshModule, describeFailure } from './load-fresh.ts';

const root = mkdtempSync(join(tmpdir(), 'fresh-module-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
writeFileSync(join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { jsx: 'react-jsx' } }));
const entry = join(root, 'entry.ts');
const write = (body: string) => writeFileSync(entry, `import { part } from './part.ts';\n${body}\n`);
writeFileSync(
  join(root, 'part.ts'),
  "export const part = (n: number): number => {\n  if (n < 0) throw new Error('negative: ' + String(n));\n  return n * 2;\n};\n",
);

type Entry = { run: (n: number) => number };

describe('FreshModule', () => {
  it('loads the module and what it imports, and afresh after invalidate()', async () => {
    write('export const run = (n: number) => part(n) + 1;');
    const fresh = new FreshModule<Entry>(entry, root);
    expect((await fresh.get()).run(2)).toBe(5);
    write('export const run = (n: number) => part(n) + 100;');
    expect((await fresh.get()).run(2)).toBe(5);
    fresh.invalidate();
    expect((await fresh.get()).run(2)).toBe(104);
  });

  it('names the source file and line of an error thrown at run time, not the bundle’s', async () => {
    write('export const run = (n: number) => part(n);');
    const fresh = new FreshModule<Entry>(entry, root);
    const error = await Promise.resolve()
      .then(async () => (await fresh.get()).run(-1))
      .catch((e: unknown) => e);
    // As thrown, every frame is in the bundle (under node_modules/.cache): no file of the project.
    expect(describeFailure(error, root)).toMatchObject({ file: null, message: 'negative: -1' });
    // Mapped back, the first frame in the project is where it was thrown: part.ts, line 2.
    expect(describeFailure(fresh.original(error), root)).toMatchObject({ file: 'part.ts', line: 2, message: 'negative: -1' });
  });

  it('names the file and line of a syntax error', async () => {
    write('export const run = (n: number) => part(n) +;');
    const fresh = new FreshModule<Entry>(entry, root);
    const error = await fresh.get().catch((e: unknown) => e);
    expect(describeFailure(error, root)).toMatchObject({ file: 'entry.ts', line: 2, message: expect.stringContaining('Unexpected') });
  });
});
