import { tsImport } from 'tsx/esm/api';

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
 * A module imported afresh after `invalidate()`: tsx loads it, and everything
 * it imports from the project, in a new namespace, so an edited template is
 * never served from a stale module cache (and nothing needs a restart).
 */
export class FreshModule<T> {
  #loading: Promise<T> | null = null;
  version = 0;

  /**
   * @param tsconfig the project's tsconfig.json: tsx otherwise takes the one
   *   in the working directory, and applies it only to files under it, so a
   *   preview started from elsewhere compiled the templates' JSX as classic
   *   React.createElement calls ("React is not defined").
   */
  constructor(
    private readonly specifier: string,
    private readonly parentURL: string,
    private readonly tsconfig?: string,
  ) {}

  get(): Promise<T> {
    this.#loading ??= tsImport(this.specifier, { parentURL: this.parentURL, tsconfig: this.tsconfig }) as Promise<T>;
    return this.#loading;
  }

  invalidate(): void {
    this.#loading = null;
    this.version++;
  }
}
