/**
 * The architecture in one picture: the layers of src/, bottom first.
 * A module may import its own layer and the layers below it, never one above.
 * Data flows up the stages: articles are collected, frozen into a week's
 * digest, rendered, personalised per reader, delivered, written to the wire.
 * The edges at the top wire stages together for a command, a request or a tick.
 *
 * `npm run lint` checks it (dependency-cruiser); tests may import anything.
 */
const layers = [
  ['base', 'glossary types, ISO weeks, errors, addresses, text utilities', '^src/(domain|errors|week|mailbox|project-root)[.]ts$|^src/text/'],
  ['config', 'the environment read once, its parsers, the logger', '^src/config/'],
  ['db', 'Kysely over SQLite or PostgreSQL: connection, schema, migrations, one file per dialect', '^src/db/'],
  ['articles', 'feeds and imports in, the articles store', '^src/articles/'],
  ['digests', "a week's issue frozen: its articles, subject, topic segments", '^src/digests/'],
  ['render', 'templates -> MJML -> HTML and text, with slots for each reader', '^src/render/|^emails/'],
  ['personalize', "one reader's copy: slot values, signed links, the MIME writer", '^src/personalize/'],
  ['delivery', 'plan, claim, send, retry, record per recipient', '^src/delivery/'],
  ['transport', 'the wire: SMTP pool or .eml outbox', '^src/transport/'],
  ['subscribers', 'the audience: lifecycle, imports, notices, feedback', '^src/subscribers/'],
  ['schedule', 'the service: cron ticks, leases, the weekly job', '^src/schedule/'],
  ['servers', 'HTTP app and the editors preview: routes call stages', '^src/(http|preview)/'],
  ['cli', 'the digest command: parses arguments, wires stages', '^src/cli/'],
];

const tests = '[.]test[.]tsx?$';
const above = (i) =>
  layers
    .slice(i + 1)
    .map(([, , path]) => `(${path})`)
    .join('|');

module.exports = {
  forbidden: [
    ...layers.slice(0, -1).map(([name, comment, path], i) => ({
      name: `${name}-imports-only-downward`,
      comment: `${name} (${comment}) may not import a layer above it`,
      severity: 'error',
      from: { path, pathNot: tests },
      to: { path: above(i) },
    })),
    {
      name: 'kysely-only-in-db-and-stores',
      comment: "queries live in db/ and in a stage's *-store.ts; everything else calls store functions",
      severity: 'error',
      from: { path: '^src/', pathNot: `^src/db/|-store[.]ts$|${tests}` },
      to: { path: 'node_modules/kysely/' },
    },
    {
      name: 'no-circular',
      comment: 'a cycle hides which module is the lower one',
      severity: 'error',
      from: { pathNot: tests },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^test/fixtures/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
