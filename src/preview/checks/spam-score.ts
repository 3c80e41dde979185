/**
 * What SpamAssassin, the filter many receiving servers run, makes of the
 * message: its score, the threshold, and the rules that fired.
 *
 * Uses the machine's own SpamAssassin: `spamc -R` when a spamd answers
 * (fast, already loaded), else `spamassassin -L -t` (a few seconds to start).
 * Local tests only (-L): no DNS blocklists, no Razor or Pyzor, so the check
 * runs offline and sends nothing about the draft anywhere; receivers that do
 * run network tests may score higher. Without SpamAssassin the result says so
 * and never throws.
 */
import { spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { escapeHtml as e } from '../../render/slots.ts';
import { checkSection, plural } from './panel-html.ts';

export interface SpamRule {
  name: string;
  points: number;
  description: string;
}

export type SpamScore =
  | { available: true; tool: 'spamc' | 'spamassassin'; score: number; threshold: number; rules: SpamRule[] }
  | { available: false; reason: string };

export interface SpamScoreOptions {
  timeoutMs?: number;
  /** Where to look for spamc and spamassassin (PATH syntax); the process's PATH by default. */
  searchPath?: string;
}

export const NOT_INSTALLED = 'SpamAssassin is not installed here (spamc or spamassassin)';
const NO_SPAMD = 'spamd is not running (spamc could not reach it) and spamassassin is not installed';

/**
 * spamassassin's flags: local tests only, a report appended (-t), and neither
 * the user's preferences (their own allow lists would bend the score) nor a
 * Bayes database (an untrained one says nothing, and auto-learning would
 * teach the editor's filter that every draft is ham).
 */
const SPAMASSASSIN_ARGS = ['-L', '-t', '-p', '/dev/null', '--cf=use_bayes 0'];

interface ToolRun {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function findExecutable(name: string, searchPath: string): Promise<string | null> {
  for (const dir of searchPath.split(delimiter).filter(Boolean)) {
    const file = join(dir, name);
    if (await isExecutable(file)) return file;
  }
  return null;
}

/** Runs `file` with `input` on its stdin; never rejects (a spawn error is a run with no exit code). */
function runTool(file: string, args: string[], input: string | Buffer, timeoutMs: number): Promise<ToolRun> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { timeout: timeoutMs, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    // A tool that exits before reading all of its input closes the pipe: not our error to report.
    child.stdin.on('error', () => {});
    child.on('error', (error) => resolve({ code: null, stdout: '', stderr: error.message, timedOut: false }));
    child.on('close', (code, signal) => {
      const text = (chunks: Buffer[]) => Buffer.concat(chunks).toString('utf8');
      resolve({ code, stdout: text(out), stderr: text(err), timedOut: signal === 'SIGTERM' && code === null });
    });
    child.stdin.end(input);
  });
}

const RULE_LINE = /^\s*(-?\d+(?:\.\d+)?)\s+([A-Z0-9_]+)\s+(.*)$/;
/** Descriptions too long for the table go on under it, indented to the description column. */
const CONTINUATION = /^\s{20,}(\S.*)$/;

/**
 * The score and rules of a SpamAssassin report (spamc -R, or spamassassin -t,
 * whose last report is the one about the message: an earlier one may be
 * quoted inside it). Null when the text holds no report.
 */
export function parseSpamReport(text: string): Omit<Extract<SpamScore, { available: true }>, 'available' | 'tool'> | null {
  const at = text.lastIndexOf('Content analysis details:');
  if (at === -1) return null;
  const lines = text.slice(at).split(/\r?\n/);
  const totals = /\((-?\d+(?:\.\d+)?) points, (-?\d+(?:\.\d+)?) required\)/.exec(lines[0]!);
  if (!totals) return null;
  const rules: SpamRule[] = [];
  const table = lines.slice(lines.findIndex((line) => line.startsWith('----')) + 1);
  for (const line of table) {
    if (line.trim() === '') break;
    const rule = RULE_LINE.exec(line);
    const more = rule ? null : CONTINUATION.exec(line);
    if (rule) rules.push({ points: Number(rule[1]), name: rule[2]!, description: rule[3]!.trim() });
    else if (more && rules.length > 0) rules.at(-1)!.description += ` ${more[1]!.trim()}`;
  }
  return { score: Number(totals[1]), threshold: Number(totals[2]), rules };
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0]?.trim() ?? '';
}

/**
 * Scores a raw RFC 5322 message. spamc gets half the time (a spamd that is
 * there answers in well under a second), spamassassin what is left.
 *
 * @example
 * const result = await spamScore(eml);
 * if (result.available) console.log(`${result.score} / ${result.threshold}`);
 */
export async function spamScore(rawMessage: string | Buffer, options: SpamScoreOptions = {}): Promise<SpamScore> {
  const { timeoutMs = 20_000, searchPath = process.env.PATH ?? '' } = options;
  const started = Date.now();
  const spamc = await findExecutable('spamc', searchPath);
  if (spamc) {
    // -x: fail when spamd is not there, instead of passing the message through unscored.
    const run = await runTool(spamc, ['-x', '-R'], rawMessage, Math.round(timeoutMs / 2));
    const report = run.code === 0 ? parseSpamReport(run.stdout) : null;
    if (report) return { available: true, tool: 'spamc', ...report };
  }
  const spamassassin = await findExecutable('spamassassin', searchPath);
  if (!spamassassin) return { available: false, reason: spamc ? NO_SPAMD : NOT_INSTALLED };
  const left = Math.max(1000, timeoutMs - (Date.now() - started));
  const run = await runTool(spamassassin, SPAMASSASSIN_ARGS, rawMessage, left);
  if (run.timedOut) return { available: false, reason: `spamassassin did not finish within ${Math.round(left / 1000)} s` };
  const report = parseSpamReport(run.stdout);
  if (!report) return { available: false, reason: `spamassassin gave no report (${firstLine(run.stderr) || `exit code ${run.code}`})` };
  return { available: true, tool: 'spamassassin', ...report };
}

/** The score and the rules that fired, heaviest first, for the checks panel. */
export function spamScoreHtml(result: SpamScore): string {
  if (!result.available) return checkSection('spam', 'Spam score', `Not available: ${result.reason}.`, '');
  const verdict = result.score >= result.threshold ? 'would be marked as spam' : 'below the spam threshold';
  const summary = `${result.score} points, ${verdict} (${result.threshold}); ${plural(result.rules.length, 'rule')} fired, local tests only (${result.tool}).`;
  const rows = [...result.rules]
    .sort((a, b) => b.points - a.points)
    .map((r) => `<tr><td>${r.points.toFixed(1)}</td><td><code>${e(r.name)}</code></td><td>${e(r.description)}</td></tr>`);
  const table = `<table class="spam-rules"><thead><tr><th>Points</th><th>Rule</th><th>What it means</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
  return checkSection('spam', 'Spam score', summary, rows.length === 0 ? '' : table);
}
