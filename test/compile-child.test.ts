import { readFileSync, readdirSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ALL } from '../src/digests/segments.ts';
import { orderArticles } from '../src/digests/digest-content.ts';
import { compileInProcess, startChildCompiler } from '../src/render/segment-compiler.ts';
import { digestOf, manyArticles, testConfig } from './helpers/fixtures.ts';

const SECRET = 'child-secret-0123456789abcdef';
const config = testConfig({ APP_SECRET: SECRET });
const content = digestOf(orderArticles(manyArticles(6)), config);

/** This process's `digest compile-segments` children, from /proc. */
function compileChildren(): number[] {
  return readdirSync(`/proc/${process.pid}/task`).flatMap((task) =>
    readFileSync(`/proc/${process.pid}/task/${task}/children`, 'utf8')
      .split(' ')
      .filter(Boolean)
      .map(Number)
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('compile-segments');
        } catch {
          return false; // gone meanwhile
        }
      }),
  );
}

async function waitUntil(done: () => boolean, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (!done()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('startChildCompiler', () => {
  // The child reads the same environment as its parent.
  beforeEach(() => void vi.stubEnv('APP_SECRET', SECRET));
  afterEach(() => void vi.unstubAllEnvs());

  it('starts its first child at once, which compiles what compiling in this process would', async () => {
    const compiler = startChildCompiler();
    expect(compileChildren()).toHaveLength(1);
    const fromChild = (await compiler.compile(content, [ALL], config)).get(ALL)!;
    const here = (await compileInProcess(content, [ALL], config)).get(ALL)!;
    // Equal but for the random nonce of the slot placeholders.
    expect(fromChild.html.parts.join('')).toBe(here.html.parts.join(''));
    expect(fromChild.html.slots).toEqual(here.html.slots);
    expect(fromChild.text).toEqual(here.text);
    // A second compile gets a child of its own.
    const segment = (await compiler.compile(content, ['Privacy'], config)).get('Privacy')!;
    expect(segment.subject).toBe((await compileInProcess(content, ['Privacy'], config)).get('Privacy')!.subject);
    compiler.close();
  });

  it('lets an unused child exit', async () => {
    const compiler = startChildCompiler();
    await waitUntil(() => compileChildren().length === 1);
    compiler.close();
    await waitUntil(() => compileChildren().length === 0);
  });

  it('reports a child that failed before it was asked, in one line with its reason', async () => {
    vi.stubEnv('APP_SECRET', 'short');
    const compiler = startChildCompiler();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await expect(compiler.compile(content, [ALL], config)).rejects.toThrow(/^compiling the digest failed \(exit 1\): .*APP_SECRET/);
  });
});
