import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { readFeedbackReport } from '../../subscribers/feedback-report.ts';
import { recordFeedback } from '../../subscribers/record-feedback.ts';
import { withContext } from '../context.ts';
import { forTerminal, plural } from '../output.ts';

/** The files `paths` name: each file, every file under each folder (a Maildir's new/ and cur/ included), `-` for stdin. */
function reportFiles(paths: string[]): string[] {
  return paths.flatMap((path) => {
    if (path === '-') return [path];
    let isFolder = false;
    try {
      isFolder = statSync(path).isDirectory();
    } catch {
      return [path]; // reported as unreadable when read
    }
    if (!isFolder) return [path];
    return readdirSync(path, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
      .map((entry) => join(entry.parentPath, entry.name))
      .sort();
  });
}

async function readInput(file: string): Promise<Buffer> {
  if (file !== '-') return readFileSync(file);
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function registerFeedbackCommands(program: Command): void {
  const feedback = program.command('feedback').description('spam complaints and late bounces that mailbox providers report back');
  feedback
    .command('import <paths...>')
    .description('act on complaint (ARF) and bounce (DSN) reports saved as email files: files, folders of them (a Maildir), or - for stdin')
    .action(async (paths: string[]) => {
      await withContext(async ({ db, config }) => {
        const counts = { complaint: 0, bounce: 0, ignored: 0, duplicate: 0 };
        let unreadable = 0;
        for (const file of reportFiles(paths)) {
          let raw: Buffer;
          try {
            raw = await readInput(file);
          } catch (error) {
            console.error(forTerminal(`${file}: cannot read it: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`));
            unreadable++;
            continue;
          }
          const outcome = await recordFeedback(db, config, readFeedbackReport(config, raw));
          counts[outcome.kind]++;
          console.log(forTerminal(`${file === '-' ? 'stdin' : file}: ${outcome.detail}`));
        }
        console.log(
          `feedback: ${plural(counts.complaint, 'complaint')}, ${plural(counts.bounce, 'bounce')}, ${counts.ignored} ignored, ${counts.duplicate} already imported${unreadable ? `, ${unreadable} unreadable` : ''}`,
        );
        if (unreadable > 0) process.exitCode = 1;
      });
    });
}
