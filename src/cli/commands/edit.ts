import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { ArticleRow, DigestEditRow } from '../../db/schema.ts';
import { listArticlesInWeek } from '../../articles/article-store.ts';
import type { Db } from '../../db/connect.ts';
import { approveIssue, editIssue } from '../../digests/edit-issue.ts';
import { type EditInput, listEdits } from '../../digests/edit-store.ts';
import { type Move, applyChoices, describeEdit, editorName, foldEdits, moveValue } from '../../digests/editor-choices.ts';
import { orderArticles } from '../../digests/digest-content.ts';
import { UserError } from '../../errors.ts';
import { sampleCopyMeasure } from '../../personalize/sample-copy.ts';
import { compileInProcess } from '../../render/segment-compiler.ts';
import { storedCompiler } from '../../render/stored-segments.ts';
import { toOneLine } from '../../text/one-line.ts';
import { type Week, resolveWeek } from '../../week.ts';
import { withContext } from '../context.ts';
import { forTerminal } from '../output.ts';
import { reportBuild } from './digest.ts';

interface EditOptions {
  week?: string;
  lead?: string;
  exclude: string[];
  include: string[];
  pin: string[];
  unpin: string[];
  move?: string;
  to?: string;
  position?: string;
  subject?: string;
  preheader?: string;
  note?: string;
  signoff?: string;
  as?: string;
  show?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerEditCommand(program: Command): void {
  program
    .command('edit')
    .description(
      "shape a week's issue before it is sent: lead story, excluded and pinned stories, subject, preheader, a note and a sign-off (recorded with who and when)",
    )
    .option('--week <week>', 'ISO week, e.g. 2026-W48 (default: the last completed week)')
    .option('--lead <url>', 'the story shown first ("" for the automatic choice)')
    .option('--exclude <url>', 'leave a story out (repeatable)', collect, [])
    .option('--include <url>', 'take an excluded story back (repeatable)', collect, [])
    .option('--pin <url>', 'keep a story at the top of its section (repeatable)', collect, [])
    .option('--unpin <url>', 'let a pinned story go back to its place (repeatable)', collect, [])
    .option('--move <url>', 'place a story: into the section --to names and/or at --position')
    .option('--to <section>', "with --move: a section of the week (default: the story's own)")
    .option('--position <n>', 'with --move: its place in the section, 1 = first (default: last)')
    .option('--subject <text>', 'the subject line ("" for the automatic one)')
    .option('--preheader <text>', 'the inbox preview text ("" for the automatic one)')
    .option('--note <file>', 'the editor\'s note above the stories: a Markdown file, - for stdin ("" for none)')
    .option('--signoff <text>', 'a line after the stories ("" for none)')
    .option('--as <name>', 'who is editing (default: EDITOR_NAME, else the OS user)')
    .option('--show', "print the week's choices and their history, change nothing")
    .action(editCommand);

  program
    .command('approve')
    .description("approve a week's issue as built, so the scheduled run sends it (DIGEST_APPROVAL=required); an edit after withdraws it")
    .option('--week <week>', 'ISO week, e.g. 2026-W48 (default: the last completed week)')
    .option('--withdraw', 'take the approval back')
    .option('--as <name>', 'who approves (default: EDITOR_NAME, else the OS user)')
    .action(approveCommand);
}

async function approveCommand(options: { week?: string; withdraw?: boolean; as?: string }): Promise<void> {
  await withContext(async ({ db, config }) => {
    const week = resolveWeek(options.week, new Date(), config.timeZone);
    const editor = editorName(options.as, config.editorName);
    const digest = await approveIssue(db, week, editor, options.withdraw);
    if (options.withdraw) return console.log(`${week.id}: approval withdrawn by ${forTerminal(editor)}; the issue waits for a new one`);
    console.log(forTerminal(`${week.id}: "${digest.subject}" (built ${digest.built_at}) approved by ${editor}`));
    if (config.approval.mode === 'auto') console.log('  (DIGEST_APPROVAL=auto: the scheduled run sends without waiting for approvals)');
  });
}

async function editCommand(options: EditOptions): Promise<void> {
  await withContext(async (ctx) => {
    const week = resolveWeek(options.week, new Date(), ctx.config.timeZone);
    const edits = await editsFrom(ctx.db, week, options);
    if (options.show || edits.length === 0) return showChoices(await listEdits(ctx.db, week.id), week);
    const measure = sampleCopyMeasure(storedCompiler(ctx.db, compileInProcess));
    const rebuilt = await editIssue(ctx.db, ctx.config, week, edits, editorName(options.as, ctx.config.editorName), measure);
    console.log(`${week.id}: ${edits.length} ${edits.length === 1 ? 'change' : 'changes'} recorded`);
    if (rebuilt) reportBuild(rebuilt);
    showChoices(await listEdits(ctx.db, week.id), week, false);
  });
}

/** The edits the options ask for, each story checked against the week's articles. */
async function editsFrom(db: Db, week: Week, options: EditOptions): Promise<EditInput[]> {
  const articles = await listArticlesInWeek(db, week);
  const urls = new Set(articles.map((a) => a.url));
  const story = (url: string) => {
    if (!urls.has(url)) throw new UserError(`${week.id} has no article at ${forTerminal(url)} (see \`digest render --week ${week.id}\`)`, 'EUSAGE');
    return url;
  };
  const edits: EditInput[] = [];
  if (options.lead !== undefined) edits.push({ action: 'lead', value: options.lead && story(options.lead) });
  for (const url of options.exclude) edits.push({ action: 'exclude', value: story(url) });
  for (const url of options.include) edits.push({ action: 'include', value: url });
  for (const url of options.pin) edits.push({ action: 'pin', value: story(url) });
  for (const url of options.unpin) edits.push({ action: 'unpin', value: url });
  if (options.move !== undefined) edits.push({ action: 'move', value: moveValue(await placement(db, week, articles, story(options.move), options)) });
  else if (options.to !== undefined || options.position !== undefined) throw new UserError('--to and --position place the story --move names', 'EUSAGE');
  // Headers are one line: line breaks and control characters become spaces.
  if (options.subject !== undefined) edits.push({ action: 'subject', value: toOneLine(options.subject) });
  if (options.preheader !== undefined) edits.push({ action: 'preheader', value: toOneLine(options.preheader) });
  if (options.note !== undefined) edits.push({ action: 'note', value: options.note && (await readNote(options.note)) });
  if (options.signoff !== undefined) edits.push({ action: 'signoff', value: toOneLine(options.signoff) });
  if (options.show && edits.length > 0) throw new UserError('--show changes nothing: give it alone', 'EUSAGE');
  if (edits.length === 0 && !options.show && urls.size === 0) {
    throw new UserError(`${week.id} has no articles: nothing to edit`, 'EUSAGE');
  }
  return edits;
}

/** Where --move puts a story: --to (a section of the week) at --position, by default last. */
async function placement(db: Db, week: Week, articles: ArticleRow[], url: string, options: EditOptions): Promise<Move> {
  const shaped = applyChoices(orderArticles(articles), foldEdits(await listEdits(db, week.id)));
  const sections = [...new Set(articles.map((a) => a.category))];
  const section = options.to ?? shaped.find((a) => a.url === url)?.category ?? articles.find((a) => a.url === url)!.category;
  if (!sections.includes(section)) {
    throw new UserError(`${week.id} has no section ${forTerminal(JSON.stringify(section))}; its sections: ${sections.join(', ')}`, 'EUSAGE');
  }
  if (options.position !== undefined && !/^[1-9]\d*$/.test(options.position))
    throw new UserError(`--position must be 1 or more, got "${options.position}"`, 'EUSAGE');
  const last = shaped.filter((a) => a.category === section && a.url !== url).length + 1;
  return { url, section, position: options.position === undefined ? last : Number(options.position) };
}

/** The note's Markdown from a file or stdin; a file that cannot be read is a one-line error. */
async function readNote(path: string): Promise<string> {
  try {
    const text = path === '-' ? await readStdin() : await readFile(path, 'utf8');
    return text.replace(/\r\n?/g, '\n').trim();
  } catch (error) {
    throw new UserError(`cannot read the note ${forTerminal(path)}: ${(error as Error).message}`, 'EUSAGE');
  }
}

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return text;
}

function showChoices(edits: DigestEditRow[], week: Week, withHistory = true): void {
  const choices = foldEdits(edits);
  console.log(`${week.id}: the editor's choices`);
  console.log(forTerminal(`  lead:      ${choices.lead ?? '(automatic: the first in reading order)'}`));
  console.log(forTerminal(`  excluded:  ${choices.excluded.join(', ') || '(none)'}`));
  console.log(forTerminal(`  pinned:    ${choices.pinned.join(', ') || '(none)'}`));
  for (const m of choices.moves) console.log(forTerminal(`  placed:    ${m.url} → ${m.section}, #${m.position}`));
  console.log(forTerminal(`  subject:   ${choices.subject ?? '(automatic)'}`));
  console.log(forTerminal(`  preheader: ${choices.preheader ?? '(automatic)'}`));
  console.log(forTerminal(`  note:      ${choices.note ? `${choices.note.split('\n')[0]}${choices.note.includes('\n') ? ' …' : ''}` : '(none)'}`));
  console.log(forTerminal(`  sign-off:  ${choices.signoff ?? '(none)'}`));
  if (!withHistory) return;
  console.log(edits.length === 0 ? '  history:   (no changes yet)' : '  history:');
  for (const e of edits) console.log(forTerminal(`    ${e.at}  ${e.editor}  ${describeEdit(e)}`));
}
