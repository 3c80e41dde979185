import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Config } from '../config.ts';
import { weekOf } from '../articles/week.ts';
import { segmentContent, type SegmentKey } from '../digests/segments.ts';
import { projectRoot } from '../project-root.ts';
import type { CompiledDigest, DigestContent } from './rendered-digest.ts';

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
interface CompileRequest {
  weekId: string;
  timeZone: string;
  subject: string;
  preheader: string;
  articles: DigestContent['articles'];
  keys: SegmentKey[];
}

/**
 * In a short-lived child process (`digest compile-segments`): React, MJML
 * and their CSS tools take ~100 MB that a sender sending for hours to a
 * million readers should not carry. The child reads the same environment,
 * so it compiles with the same configuration.
 */
export const compileInChildProcess: SegmentCompiler = (content, keys) =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(projectRoot(), 'bin/digest.js'), 'compile-segments'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`compiling the digest failed (exit ${code}): ${err.trim().split('\n').slice(-3).join(' ')}`));
      const compiled = JSON.parse(Buffer.concat(out).toString('utf8')) as [SegmentKey, CompiledDigest][];
      resolve(new Map(compiled));
    });
    const request: CompileRequest = {
      weekId: content.week.id,
      timeZone: content.week.timeZone,
      subject: content.subject,
      preheader: content.preheader,
      articles: content.articles,
      keys,
    };
    child.stdin.end(JSON.stringify(request));
  });

/** The child's side: reads a CompileRequest on stdin, writes the compiled segments as JSON. */
export async function serveCompileRequest(config: Config, input: string): Promise<string> {
  const request = JSON.parse(input) as CompileRequest;
  const content: DigestContent = {
    week: weekOf(request.weekId, request.timeZone),
    subject: request.subject,
    preheader: request.preheader,
    articles: request.articles,
  };
  return JSON.stringify([...(await compileInProcess(content, request.keys, config))]);
}
