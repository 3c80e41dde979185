import type { Command } from 'commander';
import { listArticlesInWeek } from '../../articles/article-store.ts';
import { formatWeekRange, resolveWeek } from '../../week.ts';
import { UserError } from '../../errors.ts';
import { maskCredentials } from '../../text/mask-credentials.ts';
import { withContext } from '../context.ts';
import { forTerminal, printJson, printTable } from '../output.ts';

export function registerArticleCommands(program: Command): void {
  const articles = program.command('articles').description('import and list the articles in the store');

  articles
    .command('import <source>')
    .description(
      'import articles from a JSON file or an RSS, RDF, Atom or JSON Feed file or http(s) URL (upsert by guid or URL; bad items are reported, good ones kept)',
    )
    .option('--category <name>', 'category of feed items that name none (default: General)')
    .action(async (source: string, options: { category?: string }) => {
      if (options.category !== undefined && options.category.trim() === '') throw new UserError('--category must not be empty');
      // Feed parsing libraries load only for an import.
      const { readSourceBytes } = await import('../../articles/fetch-source.ts');
      const { describeImport, importSourceBytes } = await import('../../articles/import-source.ts');
      const fetched = await readSourceBytes(source);
      const result = await withContext(({ db, config }) =>
        importSourceBytes(db, fetched, maskCredentials(source), { defaultCategory: options.category, timeZone: config.timeZone }),
      );
      for (const r of result.rejected) console.error(forTerminal(`item ${r.index}: ${r.field}: ${r.reason}`));
      for (const note of result.notes) console.log(forTerminal(`note: ${note}`));
      console.log(`articles: ${describeImport(result)}`);
      if (result.rejected.length > 0) process.exitCode = 1;
    });

  articles
    .command('list')
    .description('list the articles of a week (default: the last completed week)')
    .option('--week <week>', 'ISO week, e.g. 2026-W48')
    .option('--json', 'print JSON')
    .action(async (options: { week?: string; json?: boolean }) => {
      await withContext(async ({ db, config }) => {
        const week = resolveWeek(options.week, new Date(), config.timeZone);
        const rows = await listArticlesInWeek(db, week);
        if (options.json) return printJson(rows.map((r) => ({ ...r, topics: JSON.parse(r.topics) as string[] })));
        console.log(`${week.id} (${formatWeekRange(week)}, ${config.timeZone}): ${rows.length} articles`);
        printTable(
          ['ID', 'PUBLISHED', 'CATEGORY', 'TITLE'],
          rows.map((r) => [String(r.id), r.published_at.slice(0, 16).replace('T', ' '), r.category, r.title.slice(0, 80)]),
        );
      });
    });
}
