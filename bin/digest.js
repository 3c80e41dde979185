#!/usr/bin/env node
// Runs the TypeScript CLI with no build step to remember: src/ is bundled
// with esbuild into one cached ES module (dependencies stay external) and
// rebuilt whenever a source file changes. Running the bundle needs no module
// loader thread, which costs a long-running sender about 35 MB and every
// command a slower start.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, existsSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// No V8 flags are set here: the young generation's size, for one, is fixed
// when the heap is created, and setting it at run time changes nothing (see
// bench/RESULTS.md); `node --max-semi-space-size=2` does, at start.

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function sourceFingerprint() {
  const hash = createHash('sha1');
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) {
        const { mtimeMs, size } = statSync(path);
        hash.update(`${path}:${mtimeMs}:${size}\n`);
      }
    }
  };
  walk(join(root, 'src'));
  walk(join(root, 'emails'));
  hash.update(statSync(join(root, 'package.json')).mtimeMs.toString());
  // This file decides how the bundle is built: a change here is a new bundle too.
  hash.update(statSync(fileURLToPath(import.meta.url)).mtimeMs.toString());
  return hash.digest('hex').slice(0, 16);
}

/**
 * Dependencies stay external (installed, loaded by Node) except these pure-ESM
 * ones that ship as hundreds of small files: loading kysely's 289 modules,
 * feedsmith's 183 and zod's 99 one by one cost a command about 0.4 s of start.
 */
const BUNDLED = new Set(['kysely', 'feedsmith', 'zod']);

function externalBut(bundled) {
  return {
    name: 'external-but',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0];
        // A bundled package's own dependencies are bundled from where it imports them: the versions it pins
        // (feedsmith's nested entities 7 and fast-xml-parser 5.11), not whatever sits at the top of node_modules.
        const fromBundled = [...bundled].some((pkg) => args.importer.includes(`/node_modules/${pkg}/`));
        return bundled.has(name) || fromBundled ? undefined : { path: args.path, external: true };
      });
    },
  };
}

async function bundle() {
  const cache = join(root, 'node_modules/.cache/weekly-digest');
  const target = join(cache, `cli-${sourceFingerprint()}`);
  if (existsSync(join(target, 'main.js'))) return join(target, 'main.js');
  const { build } = await import('esbuild');
  // Build aside and rename into place, so concurrent first runs never see half a bundle.
  const temporary = `${target}.${process.pid}.${Date.now()}`;
  mkdirSync(cache, { recursive: true });
  await build({
    entryPoints: { main: join(root, 'src/cli/main.ts') },
    outdir: temporary,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    plugins: [externalBut(BUNDLED)],
    jsx: 'automatic',
    sourcemap: 'linked',
    logLevel: 'error',
    define: { __PROJECT_ROOT__: JSON.stringify(root) },
  });
  try {
    renameSync(temporary, target);
  } catch {
    rmSync(temporary, { recursive: true, force: true });
  }
  // Older bundles of this checkout: keep the cache from growing without end, but never take one a
  // live process still runs (a `serve` started weeks ago loads parts of it when it first needs them).
  for (const name of readdirSync(cache)) {
    const path = join(cache, name);
    if (path !== target && Date.now() - statSync(path).mtimeMs > 86_400_000 && !inUse(path)) rmSync(path, { recursive: true, force: true });
  }
  return join(target, 'main.js');
}

/** Marks `dir` as run by this process until it exits (`.in-use-<pid>`). */
function markInUse(dir) {
  const marker = join(dir, `.in-use-${process.pid}`);
  try {
    writeFileSync(marker, '');
  } catch {
    return;
  }
  process.on('exit', () => rmSync(marker, { force: true }));
}

/** Whether a process that marked `dir` is still alive (a killed one leaves its marker: then its pid decides). */
function inUse(dir) {
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return false;
  }
  return names.some((name) => {
    const pid = /^\.in-use-(\d+)$/.exec(name)?.[1];
    if (!pid) return false;
    try {
      process.kill(Number(pid), 0);
      return true;
    } catch (error) {
      return error.code === 'EPERM';
    }
  });
}

// Stack traces of the bundle map back to src/ only on request: keeping source maps costs memory.
if (process.env.DIGEST_SOURCE_MAPS) process.setSourceMapsEnabled(true);
const main = await bundle();
markInUse(dirname(main));
await import(pathToFileURL(main).href);
