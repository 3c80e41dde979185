/**
 * `npm run bench:feed [-- --items 5000 --rounds 3]`
 *
 * Times the whole `digest articles import <feed>` command (process start to
 * exit) on a generated WordPress-style RSS feed of N items (HTML summaries of
 * about 1 KB, categories, guids, media thumbnails, RFC 822 dates with named
 * zones) into a fresh SQLite store: the first import, which creates every
 * article, and a second, which must find nothing to change. Prints the median
 * of the rounds and the machine's load average.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { items: { type: 'string', default: '5000' }, rounds: { type: 'string', default: '3' } } });
const items = Number(values.items);
const rounds = Number(values.rounds);

function feed(n: number): string {
  const zones = ['GMT', '+0000', 'EST', 'CET', 'PST', '-0500'];
  const entries = Array.from({ length: n }, (_, i) => {
    const day = 1 + (i % 28);
    return `<item>
  <title>Story ${i}: council&#8217;s &#8220;risk score&#8221; pilot &amp; the audit</title>
  <link>https://ledger.example.org/?p=${i}&#038;lang=en</link>
  <guid isPermaLink="false">https://ledger.example.org/?p=${i}</guid>
  <pubDate>Wed, ${String(day).padStart(2, '0')} Nov 2026 09:30:00 ${zones[i % zones.length]}</pubDate>
  <category><![CDATA[Policy]]></category><category><![CDATA[Risk scores]]></category>
  <description><![CDATA[<p>The pilot scored <strong>4,000 households</strong> &amp; was stopped after residents mapped where the visits went. ${'Officials said the model would be reviewed. '.repeat(12)}</p><table><tr><td>North</td><td>120</td></tr></table><p>Read the <a href="https://ledger.example.org/?p=${i}">minutes</a>.</p>]]></description>
  <media:thumbnail url="https://ledger.example.org/uploads/${i}.jpg?w=600&#038;h=400" />
</item>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>Civic Ledger</title><link>https://ledger.example.org/</link><description>d</description>
${entries.join('\n')}
</channel></rss>`;
}

function timeImport(file: string, env: NodeJS.ProcessEnv): { seconds: number; output: string } {
  const start = process.hrtime.bigint();
  const output = execFileSync(process.execPath, [join(ROOT, 'bin/digest.js'), 'articles', 'import', file], { env, encoding: 'utf8' });
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, output: output.trim().split('\n').at(-1)! };
}

const dir = mkdtempSync(join(tmpdir(), 'feed-bench-'));
try {
  const file = join(dir, 'feed.xml');
  writeFileSync(file, feed(items));
  const first: number[] = [];
  const again: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const env = { ...process.env, DATABASE_URL: `file:${join(dir, `store-${round}.db`)}`, APP_SECRET: 'bench-secret-0123456789abcdef', LOG_LEVEL: 'warn' };
    // The CLI bundle is built on first use; build it outside the timing.
    if (round === 0) execFileSync(process.execPath, [join(ROOT, 'bin/digest.js'), '--help'], { env, stdio: 'ignore' });
    const a = timeImport(file, env);
    const b = timeImport(file, env);
    first.push(a.seconds);
    again.push(b.seconds);
    console.log(`round ${round + 1}: first ${a.seconds.toFixed(2)} s (${a.output}); again ${b.seconds.toFixed(2)} s (${b.output})`);
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  console.log(
    `${items} items, ${(Buffer.byteLength(feed(items)) / 1e6).toFixed(1)} MB: first import median ${median(first).toFixed(2)} s, re-import median ${median(again).toFixed(2)} s (load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')})`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
