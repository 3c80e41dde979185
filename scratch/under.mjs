import { readFileSync } from 'node:fs';
const p = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const root = process.argv[3];
const byId = new Map(p.nodes.map(n => [n.id, n]));
const parent = new Map(); for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const self = new Map(); p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
const agg = new Map();
for (const [id, t] of self) { let cur = id, under = false; while (cur !== undefined) { if (byId.get(cur).callFrame.functionName === root) { under = true; break; } cur = parent.get(cur); } if (!under) continue; const f = byId.get(id).callFrame; const k = `${f.functionName || '(anon)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber}`; agg.set(k, (agg.get(k) ?? 0) + t); }
console.log([...agg].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([k, v]) => `${(v / 1000).toFixed(0).padStart(5)} ms ${k}`).join('\n'));
