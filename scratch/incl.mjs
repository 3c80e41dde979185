import { readFileSync } from 'node:fs';
const p = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const names = process.argv.slice(3);
const byId = new Map(p.nodes.map(n => [n.id, n]));
const parent = new Map(); for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const self = new Map(); p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
const total = new Map(names.map(n => [n, 0]));
let all = 0;
for (const [id, t] of self) { all += t; const seen = new Set(); let cur = id; while (cur !== undefined) { const fn = byId.get(cur).callFrame.functionName; if (total.has(fn) && !seen.has(fn)) { total.set(fn, total.get(fn) + t); seen.add(fn); } cur = parent.get(cur); } }
console.log('all', (all/1000).toFixed(0)); for (const [n, t] of total) console.log(n.padEnd(24), (t / 1000).toFixed(0), 'ms');
