import { readFileSync } from 'node:fs';
const p = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const self = new Map(); const byId = new Map(p.nodes.map(n => [n.id, n]));
const dt = new Map(); p.samples.forEach((id, i) => dt.set(id, (dt.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
const byFile = new Map();
for (const n of p.nodes) { const t = (dt.get(n.id) ?? 0) / 1000; const f = n.callFrame; const key = `${f.functionName || '(anon)'} ${f.url.split('node_modules/').pop()}:${f.lineNumber}`; self.set(key, (self.get(key) ?? 0) + t); const file = f.url.split('node_modules/').pop().split('/').slice(0, 2).join('/'); byFile.set(file, (byFile.get(file) ?? 0) + t); }
console.log([...byFile].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]) => `${v.toFixed(0).padStart(6)} ms ${k}`).join('\n'));
console.log('---');
console.log([...self].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${v.toFixed(0).padStart(6)} ms ${k}`).join('\n'));
