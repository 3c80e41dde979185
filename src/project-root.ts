import { resolve } from 'node:path';

declare const __PROJECT_ROOT__: string | undefined;

/**
 * The checkout's root folder. bin/digest.js runs a bundle from a cache
 * folder, where import.meta points elsewhere, so it defines the root; under
 * tsx or vitest this file's own location gives it.
 */
export function projectRoot(): string {
  return typeof __PROJECT_ROOT__ === 'string' ? __PROJECT_ROOT__ : resolve(import.meta.dirname, '..');
}
