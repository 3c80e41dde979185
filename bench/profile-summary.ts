/**
 * Top self-time functions of a V8 .cpuprofile (from `node --cpu-prof`), and
 * the same time grouped by where the code lives (a package, src/, emails/).
 *
 *   npx tsx bench/profile-summary.ts DIR-or-FILE.cpuprofile [--top 20]
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  ms: number;
  share: number;
}

/** Where a script lives: `node_modules/<pkg>`, a project folder, or node itself. */
function place(url: string): string {
  if (!url) return '(native / V8)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return 'node internals';
  const project = /\/(src|emails|bin|bench)\/(.*)$/.exec(url);
  return project ? `${project[1]}/${project[2]!.split('/')[0]}` : url;
}

function rank(times: Map<string, number>, total: number, top: number): SelfTime[] {
  return [...times.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, us]) => ({ name, ms: us / 1000, share: us / total }));
}

/** Self time per function and per place, in ms, largest first. */
export function summarizeProfile(profile: CpuProfile, top = 20): { totalMs: number; functions: SelfTime[]; places: SelfTime[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const functions = new Map<string, number>();
  const places = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)!.callFrame;
    const delta = profile.timeDeltas[i] ?? 0;
    total += delta;
    const file = frame.url.replace(/^.*\/(node_modules\/|src\/|emails\/)/, '$1');
    const name = `${frame.functionName || '(anonymous)'} ${file ? `${file}:${frame.lineNumber + 1}` : ''}`.trim();
    functions.set(name, (functions.get(name) ?? 0) + delta);
    places.set(place(frame.url), (places.get(place(frame.url)) ?? 0) + delta);
  });
  return { totalMs: total / 1000, functions: rank(functions, total, top), places: rank(places, total, top) };
}

/** The newest .cpuprofile in `path` (or `path` itself). */
export function findProfile(path: string): string {
  if (!statSync(path).isDirectory()) return path;
  const files = readdirSync(path).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) throw new Error(`no .cpuprofile in ${path}`);
  return join(path, files.sort((a, b) => statSync(join(path, b)).mtimeMs - statSync(join(path, a)).mtimeMs)[0]!);
}

export function formatSummary(file: string, top = 20): string {
  const { totalMs, functions, places } = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, top);
  const line = (t: SelfTime) => `${t.ms.toFixed(0).padStart(8)} ms ${(t.share * 100).toFixed(1).padStart(5)}%  ${t.name}`;
  return [
    `${file}: ${(totalMs / 1000).toFixed(1)} s sampled`,
    'self time by place:',
    ...places.slice(0, 12).map(line),
    `top ${top} functions by self time:`,
    ...functions.map(line),
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [path, flag, count] = process.argv.slice(2);
  if (!path) {
    console.error('usage: tsx bench/profile-summary.ts DIR-or-FILE.cpuprofile [--top N]');
    process.exit(2);
  }
  console.log(formatSummary(findProfile(path), flag === '--top' ? Number(count) : 20));
}
