import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

/**
 * The files that take longest (many messages, several processes, waits), each
 * on both stores: started first, so that the short ones fill the cores around
 * them instead of a long one running alone at the end. Vitest orders by the
 * durations of the last run when it has them, which a fresh clone (CI) has not.
 */
const slowFirst = ['workers', 'crash', 'service', 'cli', 'smtp-session-faults', 'store-faults', 'copy-store', 'preview-guards'].map(
  (name) => `test/${name}.test.ts`,
);

class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (file: TestSpecification) => {
      const index = slowFirst.findIndex((path) => file.moduleId.endsWith(path));
      return index === -1 ? slowFirst.length : index;
    };
    // Stable: within a rank, the base order (last run's durations, else size).
    return sorted
      .map((file, i) => ({ file, i }))
      .sort((a, b) => rank(a.file) - rank(b.file) || a.i - b.i)
      .map(({ file }) => file);
  }
}

/** The tests that work with a store: run once on SQLite and once on PostgreSQL. */
const storeTests = [
  'test/send-smtp.test.ts',
  'test/delivery-faults.test.ts',
  'test/smtp-session-faults.test.ts',
  'test/store-faults.test.ts',
  'test/reactivate.test.ts',
  'test/crash.test.ts',
  'test/workers.test.ts',
  'test/service.test.ts',
  'test/audience-http.test.ts',
  'test/subscribe-form-abuse.test.ts',
  'test/feed-import.test.ts',
  'test/feed-defects.test.ts',
  'test/article-identity.test.ts',
  'test/sources.test.ts',
  'test/cli.test.ts',
  'test/copy-store.test.ts',
  'test/editor-edits.test.ts',
  'test/approval.test.ts',
  'src/db/*.test.ts',
  'src/delivery/limits-store.test.ts',
  'src/delivery/claims.test.ts',
  'src/digests/build-digest.test.ts',
  'src/render/stored-segments.test.ts',
  'src/subscribers/feedback.test.ts',
  'src/subscribers/csv-round-trip.test.ts',
  'src/schedule/schedule.test.ts',
];

export default defineConfig({
  test: {
    // Headroom for tests that spawn processes on a loaded two-core CI machine; a hung test still fails.
    testTimeout: 90_000,
    hookTimeout: 60_000,
    // Most of the suite waits on something real (a CLI child, an SMTP socket, PostgreSQL, Chromium):
    // three files at a time keep both cores busy where vitest's default on two cores (one) left one idle.
    maxWorkers: 3,
    // Each worker keeps the modules it loaded (React Email, MJML, Kysely) from one file to the next
    // instead of loading them again per file: a fifth less CPU for the run. Test files share no state
    // through modules (stores, servers and children are made per test).
    isolate: false,
    sequence: { sequencer: SlowFirstSequencer },
    globalSetup: ['test/global-setup.ts'],
    projects: [
      {
        extends: true,
        test: { name: 'sqlite', include: ['src/**/*.test.ts', 'emails/**/*.test.{ts,tsx}', 'test/**/*.test.ts'], env: { TEST_STORE: 'sqlite' } },
      },
      {
        extends: true,
        test: { name: 'postgres', include: storeTests, env: { TEST_STORE: 'postgres' } },
      },
    ],
  },
});
