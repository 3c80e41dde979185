import { readFileSync } from 'node:fs';
import { findProfile } from './profile-summary.ts';
interface N { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
const p = JSON.parse(readFileSync(findProfile(process.argv[2]!), 'utf8')) as { nodes: N[]; samples: number[]; timeDeltas: number[] };
const parent = new Map<number, number>();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const incl = new Map<string, number>();
let total = 0;
p.samples.forEach((id, i) => {
  const d = p.timeDeltas[i] ?? 0; total += d;
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const f = byId.get(cur)!.callFrame;
    const key = `${f.functionName || '(anon)'} ${f.url.replace(/^.*\/(node_modules\/|src\/|emails\/)/, '$1')}:${f.lineNumber + 1}`;
    if (!seen.has(key)) { seen.add(key); incl.set(key, (incl.get(key) ?? 0) + d); }
  }
});
const want = process.argv[3] ? new RegExp(process.argv[3]) : /./;
for (const [k, v] of [...incl.entries()].filter(([k]) => want.test(k)).sort((a, b) => b[1] - a[1]).slice(0, 45)) console.log((v / 1000).toFixed(0).padStart(7), 'ms', ((v / total) * 100).toFixed(1).padStart(5) + '%', k);
