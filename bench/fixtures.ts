import Database from 'better-sqlite3';

const CATEGORIES = ['Privacy', 'Labor', 'Misinformation', 'Safety', 'Surveillance', 'Bias'] as const;
const FIRST = Date.parse('2026-11-17T08:00:00Z');
const LAST = Date.parse('2026-11-21T16:00:00Z');

/** Pads Markdown prose out to about `length` characters. */
function prose(seed: string, length: number): string {
  const sentences = [
    `Researchers at **${seed} Lab** reviewed the system over six weeks and published their data.`,
    'The vendor said the figures were [preliminary](https://vendor.example.com/statement) and promised an update.',
    'Regulators in two states have asked for the underlying logs, and *no deadline* has been set.',
    'Affected people were not told, and several only learned of it from the report.',
  ];
  let text = '';
  for (let i = 0; text.length < length; i++) text += `${text ? ' ' : ''}${sentences[i % sentences.length]}`;
  return text;
}

/** 20 (by default) articles spread over 2026-W47, in `digest articles import` JSON. */
export function benchArticles(count = 20): object[] {
  return Array.from({ length: count }, (_, i) => {
    const category = CATEGORIES[i % CATEGORIES.length]!;
    const publishedAt = new Date(FIRST + Math.round(((LAST - FIRST) * i) / Math.max(count - 1, 1)));
    const slug = `bench-story-${String(i + 1).padStart(2, '0')}`;
    return {
      url: `https://harmledger.example/2026/11/${publishedAt.getUTCDate()}/${slug}`,
      title: `${category}: benchmark story ${i + 1} about an automated system and the people it affected`,
      category,
      topics: [],
      publishedAt: publishedAt.toISOString().replace('.000Z', 'Z'),
      summary: prose(category, 400),
      whyItMatters: prose(`${category} Impact`, 200),
      source: { title: `Report ${i + 1}`, name: 'Civic Data Review', url: `https://civicdata.example.org/reports/${slug}` },
    };
  });
}

/** Reader `i` (from 1): every 7th address in mixed case (its key lower-cased), every 3rd reader without a name. */
export function benchSubscriber(i: number): { email: string; emailKey: string; name: string } {
  const email = i % 7 === 0 ? `Reader.${i}@Example.com` : `reader${i}@example.com`;
  return { email, emailKey: email.toLowerCase(), name: i % 3 === 0 ? '' : `Reader ${i}` };
}

/** Two topics no bench article has: a reader who chose only these gets a `skipped` delivery. */
const OTHER_TOPICS = ['Climate', 'Health'] as const;
const TOPIC_CHOICES = [...CATEGORIES, ...OTHER_TOPICS];

/**
 * A mix of topic choices for reader `i`, as JSON: 80 % all topics (`[]`),
 * the rest one or two of eight topics, two of which the week's digest does not
 * cover (so some readers get nothing and are planned as skipped).
 */
export function mixedTopics(i: number): string {
  if (i % 5 !== 0) return '[]';
  const j = i / 5;
  const first = TOPIC_CHOICES[j % TOPIC_CHOICES.length]!;
  const second = TOPIC_CHOICES[(j + 1 + (j % 3)) % TOPIC_CHOICES.length]!;
  return JSON.stringify(j % 2 === 0 ? [first] : [first, second]);
}

/** Inserts `count` active subscribers in one transaction (schema from `digest migrate`). */
export function insertSubscribers(dbPath: string, count: number): void {
  const db = new Database(dbPath);
  try {
    const now = new Date().toISOString();
    const insert = db.prepare(
      `insert into subscribers (email, email_key, name, status, topics, created_at, updated_at, confirmed_at)
       values (?, ?, ?, 'active', '[]', ?, ?, ?)`,
    );
    db.transaction(() => {
      for (let i = 1; i <= count; i++) {
        const { email, emailKey, name } = benchSubscriber(i);
        insert.run(email, emailKey, name, now, now, now);
      }
    })();
  } finally {
    db.close();
  }
}
