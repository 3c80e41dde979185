import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/config.ts';
import type { Db } from '../db/connect.ts';
import type { SegmentKey } from '../digests/segments.ts';
import { projectRoot } from '../project-root.ts';
import type { CompiledDigest } from './rendered-digest.ts';
import type { DigestContent } from '../digests/digest-content.ts';
import { type SegmentCompiler, requestFor } from './segment-compiler.ts';
import { findStoredSegments, storeSegment } from './segment-store.ts';

/**
 * Settings the compile never reads: secrets (a hash of them is still not
 * something to store) and where the store lives (a copied store keeps its
 * segments). Every other setting is part of the key, so that changing one
 * between a build and its send can only cost a compile, never send stale text.
 */
const NOT_COMPILED: readonly (keyof Config)[] = ['appSecret', 'databaseUrl', 'smtpUrl', 'dkim', 'editorName', 'editorEmails', 'approval'];

let code: string | undefined;

/**
 * What the compiled bytes depend on besides their inputs: our source and
 * templates, the exact dependency versions (the lockfile), and node with its
 * ICU data (dates are formatted with Intl). By content, not by file times,
 * so workers on several machines running the same release share segments.
 */
export function codeIdentity(): string {
  if (code) return code;
  const root = projectRoot();
  const hash = createHash('sha256').update(`${process.version} icu ${process.versions.icu ?? ''}\n`);
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) hash.update(`${path.slice(root.length)}\n`).update(readFileSync(path));
    }
  };
  walk(join(root, 'src'));
  walk(join(root, 'emails'));
  // A checkout always has its lockfile; a bare copy of the sources (tests) at least its manifest.
  const lockfile = join(root, 'package-lock.json');
  hash.update(readFileSync(existsSync(lockfile) ? lockfile : join(root, 'package.json')));
  code = hash.digest('hex');
  return code;
}

/** The key of one segment's compile: a hash of everything it reads. */
export function compileInputs(content: DigestContent, key: SegmentKey, config: Config, codeId = codeIdentity()): string {
  const settings = Object.entries(config).filter(([name]) => !NOT_COMPILED.includes(name as keyof Config));
  return createHash('sha256')
    .update(JSON.stringify([codeId, requestFor(content, [key]), settings]))
    .digest('hex');
}

export interface StoredCompilerOptions {
  /** Called when the store held every segment asked for (the caller may let a warm compile child go). */
  onAllStored?: () => void;
  /** For tests: stands for a different release. */
  codeId?: string;
}

/**
 * `compile`, with each segment kept in the store once compiled and taken
 * from there while nothing it was compiled from changed. The store keeps one
 * copy per week and segment, and none for a week whose digest is sent.
 */
export function storedCompiler(db: Db, compile: SegmentCompiler, options: StoredCompilerOptions = {}): SegmentCompiler {
  return async (content, keys, config) => {
    const inputs = new Map(keys.map((key) => [key, compileInputs(content, key, config, options.codeId)]));
    const stored = await findStoredSegments(db, [...inputs.values()]);
    const out = new Map<SegmentKey, CompiledDigest>();
    for (const [key, hash] of inputs) {
      const json = stored.get(hash);
      if (json) out.set(key, JSON.parse(json) as CompiledDigest);
    }
    const missing = keys.filter((key) => !out.has(key));
    if (missing.length === 0) {
      options.onAllStored?.();
      return out;
    }
    const fresh = await compile(content, missing, config);
    const now = new Date().toISOString();
    for (const key of missing) {
      const compiled = fresh.get(key)!;
      out.set(key, compiled);
      await storeSegment(db, { inputs: inputs.get(key)!, week: content.week.id, segment: key, compiled: JSON.stringify(compiled), created_at: now });
    }
    return out;
  };
}
