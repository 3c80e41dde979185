import { readFileSync } from 'node:fs';
import { XMLValidator } from 'fast-xml-parser';
import { readFeed } from '../src/articles/read-feed.ts';
import { parseArticleSource } from '../src/articles/import-feed.ts';
import { validateArticles } from '../src/articles/article-input.ts';
const text = readFileSync(process.argv[2]!, 'utf8');
for (let r = 0; r < 2; r++) {
let t = performance.now(); XMLValidator.validate(text); console.log('validate', (performance.now() - t).toFixed(0));
t = performance.now(); const f = readFeed(text, undefined); console.log('feedsmith+map', (performance.now() - t).toFixed(0));
t = performance.now(); const p = parseArticleSource(text, 'x', { timeZone: 'UTC' }); console.log('parseArticleSource total', (performance.now() - t).toFixed(0));
t = performance.now(); validateArticles(p.items); console.log('zod', (performance.now() - t).toFixed(0));
}
