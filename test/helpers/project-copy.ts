import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './cli.ts';

/**
 * A throw-away copy of the project (sources, templates, sample data; the
 * installed node_modules linked), for tests that edit files on disk without
 * touching the templates other tests render at the same time.
 */
export function copyProject(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'digest-project-'));
  for (const entry of ['bin', 'src', 'emails', 'react-email', 'scripts', 'data/sample', 'package.json', 'tsconfig.json']) {
    cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
