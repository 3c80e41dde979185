import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Config } from '../config/config.ts';
import { weekOf } from '../week.ts';
import { segmentContent, type SegmentKey } from '../digests/segments.ts';
import { projectRoot } from '../project-root.ts';
import type { CompiledDigest } from './rendered-digest.ts';
import type { DigestContent } from '../digests/digest-content.ts';

/** Compiles a digest for each segment key: once per key, never per subscriber. */
export type SegmentCompiler = (content: DigestContent, keys: SegmentKey[], config: Config) => Promise<Map<SegmentKey, CompiledDigest>>;

/** In this process; the template toolchain is loaded on first use. */
export const compileInProcess: SegmentCompiler = async (content, keys, config) => {
  const { compileDigest } = await import('./render-digest.ts');
  const out = new Map<SegmentKey, CompiledDigest>();
  for (const key of keys) out.set(key, await compileDigest(segmentContent(content, key, config.publicationName), config));
  return out;
};

/** What crosses the process boundary: the content with its week by name. */
export interface CompileRequest {
  weekId: string;
  timeZone: string;
  subject: string;
  preheader: string;
  articles: DigestContent['articles'];
  editorial: DigestContent['editorial'];
  keys: SegmentKey[];
}

/** A compile child (`digest compile-segments`), started before its request is known. */
interface CompileChild {
  compile(request: CompileRequest): Promise<Map<SegmentKey, CompiledDigest>>;
  /** Stops an unused child at once (it has nothing in flight; letting it finish loading kept its parent waiting ~1 s). */
  close(): void;
}

function startCompileChild(): CompileChild {
  const child = spawn(process.execPath, [join(projectRoot(), 'bin/digest.js'), 'compile-segments'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  let err = '';
  let asked = false;
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk));
  // A child that died before its request was written: its exit code says why, not EPIPE.
  child.stdin.on('error', () => {});
  // Listening from the start: a child that fails while loading must not go unnoticed.
  const result = new Promise<Map<SegmentKey, CompiledDigest>>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`compiling the digest failed (exit ${code}): ${err.trim().split('\n').slice(-3).join(' ')}`));
      if (!asked) return resolve(new Map());
      resolve(new Map(JSON.parse(Buffer.concat(out).toString('utf8')) as [SegmentKey, CompiledDigest][]));
    });
  });
  result.catch(() => {}); // reported to whoever asks; an unused child's failure concerns no one
  return {
    compile(request) {
      asked = true;
      child.stdin.end(JSON.stringify(request));
      return result;
    },
    close() {
      if (!asked) child.kill();
    },
  };
}

/** The content as plain data (its week by id and time zone): what a compile reads of it, for a child or for a hash. */
export const requestFor = (content: DigestContent, keys: SegmentKey[]): CompileRequest => ({
  weekId: content.week.id,
  timeZone: content.week.timeZone,
  subject: content.subject,
  preheader: content.preheader,
  articles: content.articles,
  editorial: content.editorial,
  keys,
});

/**
 * In a short-lived child process (`digest compile-segments`): React, MJML
 * and their CSS tools take ~100 MB that a sender sending for hours to a
 * million readers should not carry. The child reads the same environment,
 * so it compiles with the same configuration.
 */
export const compileInChildProcess: SegmentCompiler = (content, keys) => startCompileChild().compile(requestFor(content, keys));

/**
 * compileInChildProcess with its first child started now, so that it loads
 * the template toolchain (~0.7 s) while the caller opens the store, builds
 * and plans; later compiles start a child each. `close()` lets the first
 * child go if it was never used.
 */
export function startChildCompiler(): { compile: SegmentCompiler; close(): void } {
  let first: CompileChild | null = startCompileChild();
  return {
    compile(content, keys) {
      const child = first ?? startCompileChild();
      first = null;
      return child.compile(requestFor(content, keys));
    },
    close() {
      first?.close();
      first = null;
    },
  };
}

/** Loads the template toolchain and the modules MJML's minifier loads on first use. */
export async function warmUpToolchain(): Promise<void> {
  await import('./render-digest.ts');
  const { warmUpMjml } = await import('./compile-mjml.ts');
  await warmUpMjml();
}

/** The child's side: reads a CompileRequest on stdin, writes the compiled segments as JSON. */
export async function serveCompileRequest(config: Config, input: string): Promise<string> {
  const request = JSON.parse(input) as CompileRequest;
  const content: DigestContent = {
    week: weekOf(request.weekId, request.timeZone),
    subject: request.subject,
    preheader: request.preheader,
    articles: request.articles,
    editorial: request.editorial,
  };
  return JSON.stringify([...(await compileInProcess(content, request.keys, config))]);
}
