import type { Command } from 'commander';
import { importArticles, readArticlesJson } from '../../articles/import-json.ts';
import { listArticlesInWeek } from '../../articles/list-articles.ts';
import { formatWeekRange, resolveWeek } from '../../articles/week.ts';
import { withContext } from '../context.ts';
import { printJson, printTable } from '../output.ts';

export function registerArticleCommands(program: Command): void {
  const articles = program.command('articles').description('import and list the articles in the store');

  articles
    .command('import <file>')
    .description('import articles from a JSON file (upsert by URL; bad items are reported, good ones kept)')
    .action(async (file: string) => {
      const items = await readArticlesJson(file);
      const result = await withContext(({ db }) => importArticles(db, items));
      for (const r of result.rejected) console.error(`item ${r.index}: ${r.field}: ${r.reason}`);
      console.log(
        `articles: ${result.created} created, ${result.updated} updated, ${result.unchanged} unchanged, ${result.rejected.length} rejected`,
      );
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
