import { randomUUID } from 'node:crypto';
import { mkdir, realpath, rm, writeFile } from 'node:fs/promises';
import { type SourceMapPayload, SourceMap } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Message, build } from 'esbuild';

/** Where a template broke, for the error panel: file, line and what is wrong. */
export interface CompileFailure {
  file: string | null;
  line: number | null;
  column: number | null;
  message: string;
}

/**
 * esbuild reports `/abs/emails/x.tsx:12:3: ERROR: ...`; a runtime error's
 * stack has `(/abs/emails/x.tsx?tsx-namespace=...:12:3)`. The first frame in
 * the project (not node_modules) is the one an editor wants to see.
 */
export function describeFailure(error: unknown, root: string): CompileFailure {
  const text = error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error);
  const location = [...text.matchAll(/(\/[^\s:()?]+\.(?:tsx?|jsx?|mts))(?:\?[^\s:()]*)?:(\d+):(\d+)/g)].find(
    (m) => !m[1]!.includes('/node_modules/') && m[1]!.startsWith(root),
  );
  const firstLine = (error instanceof Error ? error.message : String(error))
    .split('\n')
    .map((l) => l.replace(/^.*?: ERROR: /, ''))
    .filter((l) => l.trim() && !/^Transform failed/.test(l))[0];
  return {
    file: location ? location[1]!.slice(root.length + 1) : null,
    line: location ? Number(location[2]) : null,
    column: location ? Number(location[3]) : null,
    message: firstLine ?? 'unknown error',
  };
}

/**
 * A module imported afresh after `invalidate()`: esbuild bundles it with
 * everything it imports from the project (dependencies stay shared imports)
 * into a new file, which is imported, so an edited template is never served
 * from a stale module cache and nothing needs a restart. A bundle takes a few
 * tens of milliseconds where loading each file through tsx took half a
 * second. Its source map, kept here, puts a stack trace back in the template's
 * own file and line (`original`); a build error is thrown in esbuild's
 * `file:line:column: ERROR: text` form. describeFailure reads both.
 */
export class FreshModule<T> {
  #loading: Promise<T> | null = null;
  /** Each bundle's source map, by its file: stack traces name the bundle, editors want their template. */
  readonly #maps = new Map<string, { map: SourceMap; dir: string }>();
  /** In every bundle's name: Node keeps a module by its URL, so two of these in one process (tests) must never share one. */
  readonly #id = randomUUID();
  version = 0;

  /**
   * @param entry the module's file
   * @param root the project root: the bundles are written under its node_modules/.cache, where the
   *   dependencies they import resolve, and its tsconfig.json decides how JSX compiles
   */
  constructor(
    private readonly entry: string,
    private readonly root: string,
  ) {}

  /** The error with every stack frame in a bundle of ours put back at its source file, line and column. */
  original(error: unknown): unknown {
    if (!(error instanceof Error) || !error.stack) return error;
    const stack = error.stack.replace(/(?:file:\/\/)?(\/[^\s():]+\.mjs):(\d+):(\d+)/g, (frame, file: string, line: string, column: string) => {
      const bundle = this.#maps.get(file);
      const entry = bundle?.map.findEntry(Number(line) - 1, Number(column) - 1);
      if (!bundle || !entry || !('originalSource' in entry)) return frame;
      return `${resolve(bundle.dir, entry.originalSource.replace(/^file:\/\//, ''))}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
    });
    return Object.assign(new Error(error.message), { stack });
  }

  get(): Promise<T> {
    this.#loading ??= this.load(this.version);
    return this.#loading;
  }

  invalidate(): void {
    this.#loading = null;
    this.version++;
  }

  private async load(version: number): Promise<T> {
    const outfile = join(this.root, 'node_modules/.cache/weekly-digest', `preview-${this.#id}-${version}.mjs`);
    const result = await build({
      entryPoints: [this.entry],
      absWorkingDir: this.root,
      tsconfig: join(this.root, 'tsconfig.json'),
      bundle: true,
      packages: 'external',
      format: 'esm',
      platform: 'node',
      target: 'node20',
      sourcemap: 'external',
      outfile,
      write: false,
      logLevel: 'silent',
      define: { __PROJECT_ROOT__: JSON.stringify(this.root) },
    }).catch((error: { errors?: Message[] }) => {
      const first = error.errors?.[0];
      if (!first?.location) throw error;
      throw new Error(`${join(this.root, first.location.file)}:${first.location.line}:${first.location.column + 1}: ERROR: ${first.text}`);
    });
    const code = result.outputFiles.find((f) => f.path.endsWith('.mjs'))!;
    const map = result.outputFiles.find((f) => f.path.endsWith('.map'));
    await mkdir(dirname(outfile), { recursive: true });
    // Stack traces name the real path (node_modules may be a link, as in a copy of the project).
    const real = join(await realpath(dirname(outfile)), basename(outfile));
    if (map) this.#maps.set(real, { map: new SourceMap(JSON.parse(map.text) as SourceMapPayload), dir: dirname(outfile) });
    await writeFile(outfile, code.text);
    try {
      return (await import(pathToFileURL(outfile).href)) as T;
    } finally {
      // Imported: the file is no longer needed (Node keeps the module, and its source map, in memory).
      await rm(outfile, { force: true });
    }
  }
}
