import { writeFileSync } from 'node:fs';
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

writeFileSync('/tmp/feed5000.xml', feed(5000));
