import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../src/config/config.ts';
import { type Db, migrateToLatest, openDatabase } from '../src/db/connect.ts';
import type { SubscriberStatus } from '../src/db/schema.ts';
import { recordHardBounce } from '../src/delivery/delivery-store.ts';
import { BackgroundWork } from '../src/http/background-work.ts';
import { type HttpServer, startHttpServer } from '../src/http/server.ts';
import { audienceRoutes } from '../src/http/subscription-routes.ts';
import { forgetSubscriber } from '../src/subscribers/subscriber-store.ts';
import { importSubscribersCsv } from '../src/subscribers/import-csv.ts';
import { addSubscriber } from '../src/subscribers/subscriber-store.ts';
import type { Transport } from '../src/domain.ts';
import { type AudienceApp, startAudienceApp } from './helpers/audience-app.ts';
import { createWorkspace } from './helpers/cli.ts';
import { startServe } from './helpers/serve.ts';
import { type SmtpSink, startSmtpSink } from './helpers/smtp-sink.ts';
import { addSubscribers, openScratchDbAt, openTestDb } from './helpers/store.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;

// Issue 14, item 5: the public form could be used against people.
describe('the subscribe form, posted by someone who means harm', () => {
  let app: AudienceApp;
  let sink: SmtpSink;
  let db: Db;
  let config: Config;
  let transport: Transport;
  let http: HttpServer;
  let errors: string[];
  /** How far the app's clock is ahead of the real one. */
  let aheadMs = 0;
  /** Each post comes from an address of its own, so the per-client limit stays out of the way. */
  let clients = 0;

  const post = async (email: string, fields: Record<string, string | string[]> = {}, url = http.url) => {
    const body = new URLSearchParams({ email });
    for (const [k, v] of Object.entries(fields)) for (const value of [v].flat()) body.append(k, value);
    clients++;
    const response = await fetch(`${url}/subscribe`, { method: 'POST', body, headers: { 'x-forwarded-for': `198.18.${clients >> 8}.${clients & 255}` } });
    return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
  };
  const settled = () => app.background.settled();
  const mailsTo = (email: string) => sink.received.filter((m) => m.envelopeTo.includes(email)).length;
  const row = (email: string) => db.selectFrom('subscribers').selectAll().where('email_key', '=', email.toLowerCase()).executeTakeFirst();

  beforeAll(async () => {
    app = await startAudienceApp({}, { now: () => new Date(Date.now() + aheadMs) });
    ({ sink, db, config, transport, http, errors } = app);
  });

  afterAll(() => app?.close());

  // A stranger's post makes a reader who left `pending` again; that must not let an operator's
  // --confirmed add or import put them back on the list without their own confirmation.
  it('keeps a reader who left off the list until they confirm, whatever an operator adds or imports', async () => {
    const email = 'left@example.org';
    await addSubscribers(db, [{ email }]);
    await db
      .updateTable('subscribers')
      .set({ status: 'unsubscribed', unsubscribed_at: new Date(Date.now() + aheadMs).toISOString() })
      .where('email_key', '=', email)
      .execute();
    await post(email);
    await settled();
    expect(await row(email)).toMatchObject({ status: 'pending' });
    await expect(addSubscriber(db, { email }, { confirmed: true })).rejects.toThrow(
      /left on \S+ and has not confirmed a new subscription; they must subscribe again themselves/,
    );
    const imported = await importSubscribersCsv(db, `email\n${email}\n`, { confirmed: true });
    expect(imported.skipped).toEqual([{ line: 2, reason: expect.stringMatching(/left on .* an import does not re-subscribe them/) }]);
    expect(await row(email)).toMatchObject({ status: 'pending' });
  });

  it('sends one confirmation email for twenty posts, one after another or all at once; then one per 10 minutes, three a day', async () => {
    const email = 'target@example.org';
    for (let i = 0; i < 20; i++) expect((await post(email)).status).toBe(200);
    await settled();
    expect(mailsTo(email)).toBe(1);
    await Promise.all(Array.from({ length: 20 }, () => post(email)));
    await settled();
    expect(mailsTo(email)).toBe(1);

    // Ten minutes later the reader, who lost the first email, may ask again: once.
    aheadMs = 10 * MINUTE + 1000;
    await Promise.all(Array.from({ length: 20 }, () => post(email)));
    await settled();
    expect(mailsTo(email)).toBe(2);
    aheadMs = 20 * MINUTE + 2000;
    await post(email);
    await settled();
    expect(mailsTo(email)).toBe(3);
    // The fourth within a day is not sent, however long the wait between them.
    aheadMs = 3 * 60 * MINUTE;
    await post(email);
    await settled();
    expect(mailsTo(email)).toBe(3);
    // A day after the first, there is room for one again.
    aheadMs = DAY + 1000;
    await post(email);
    await settled();
    expect(mailsTo(email)).toBe(4);
    const count = await db
      .selectFrom('subscribers')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('email_key', '=', email)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
    expect(errors).toEqual([]);
    aheadMs = 0;
  });

  it('answers byte for byte the same whatever the state of the address, and mails only an address the form may', async () => {
    const email = 'states@example.org';
    const states: { set?: { status: SubscriberStatus; bounced_at?: string | null }; mailed: boolean; after: SubscriberStatus }[] = [
      { mailed: true, after: 'pending' }, // new
      { set: { status: 'pending' }, mailed: true, after: 'pending' },
      { set: { status: 'active' }, mailed: false, after: 'active' },
      { set: { status: 'unsubscribed' }, mailed: true, after: 'pending' },
      { set: { status: 'bounced', bounced_at: new Date(Date.now() - 2 * DAY).toISOString() }, mailed: false, after: 'bounced' },
      // After the 30-day quiet period the reader asking is believed: pending, with a clean bounce record.
      { set: { status: 'bounced', bounced_at: new Date(Date.now() - 31 * DAY).toISOString() }, mailed: true, after: 'pending' },
      { set: { status: 'complained' }, mailed: false, after: 'complained' },
    ];
    const answers: unknown[] = [];
    for (const state of states) {
      if (state.set)
        await db
          .updateTable('subscribers')
          .set({ ...state.set, bounce_count: state.set.status === 'bounced' ? 2 : 0 })
          .where('email_key', '=', email)
          .execute();
      // Out of the per-address limit's way: this test is about the states.
      await db.deleteFrom('confirmation_sends').execute();
      const before = mailsTo(email);
      answers.push(await post(email, { name: 'Someone', topics: ['Labor'] }));
      await settled();
      const label = state.set ? `${state.set.status} ${state.set.bounced_at ?? ''}` : 'new';
      expect(mailsTo(email) - before, label).toBe(state.mailed ? 1 : 0);
      const after = (await row(email))!;
      expect(after.status, label).toBe(state.after);
      if (state.set?.status === 'bounced' && state.mailed) expect(after).toMatchObject({ bounce_count: 0, bounced_at: null });
    }
    expect(answers[0]).toMatchObject({ status: 200, type: 'text/html; charset=utf-8' });
    for (const answer of answers) expect(answer).toEqual(answers[0]);
    expect(errors).toEqual([]);
  });

  it('does nothing that depends on the address before answering: with the store gone, the answer is the same', async () => {
    const answer = await post('nobody@example.org');
    await settled();
    // A second app on a store handle that is closed: any query before the answer would make it a 500.
    const closed = openDatabase(config.databaseUrl);
    await sql`select 1`.execute(closed); // Kysely ignores destroying a handle never used
    await closed.destroy();
    const failures: string[] = [];
    const work = new BackgroundWork((error, context) => failures.push(`${context}: ${String(error)}`));
    const broken = await startHttpServer(config, audienceRoutes({ db: closed, config, transport, background: work }), { host: '127.0.0.1', port: 0 });
    try {
      expect(await post('nobody@example.org', {}, broken.url)).toEqual(answer);
      await work.settled();
      // The failure is the operator's to see, in the log, never the reader's.
      expect(failures).toEqual([expect.stringMatching(/^subscription request: .*destroyed/)]);
    } finally {
      await broken.close();
    }
  });

  it('never renames anyone or changes their topics; the owner of the address settles them on the confirmation page', async () => {
    const email = 'grace@example.org';
    await post(email, { name: 'Grace H', topics: ['Labor'] });
    await settled();
    expect(await row(email)).toMatchObject({ status: 'pending', name: 'Grace H', topics: '["Labor"]' });
    // The confirmation goes to the bare address: the name is whatever the poster typed.
    const [confirmation] = (await sink.parsed()).filter((m) => m.to && !Array.isArray(m.to) && m.to.value[0]?.address === email);
    expect(confirmation!.to).toMatchObject({ value: [{ address: email, name: '' }] });
    expect(confirmation!.headers.get('to')).not.toHaveProperty('text', expect.stringContaining('Grace'));

    // A second, unconfirmed post (a stranger's, or the same person's) changes neither.
    aheadMs = 11 * MINUTE;
    await post(email, { name: 'Pay me at evil.example', topics: ['Privacy'] });
    await settled();
    aheadMs = 0;
    expect(await row(email)).toMatchObject({ status: 'pending', name: 'Grace H', topics: '["Labor"]' });
    await addSubscribers(db, [{ email: 'ada@example.org', name: 'Ada L' }]);
    await post('ada@example.org', { name: 'Renamed', topics: ['Privacy'] });
    await settled();
    expect(await row('ada@example.org')).toMatchObject({ status: 'active', name: 'Ada L', topics: '[]' });

    // The confirmation page shows what is stored; the owner changes it and confirms.
    const text = (await sink.parsed()).filter((m) => m.to && !Array.isArray(m.to) && m.to.value[0]?.address === email).at(-1)!.text!;
    const link = /https:\/\/news\.example\.org\/confirm\?token=[\w.-]+/.exec(text)![0].replace('https://news.example.org', http.url);
    const page = await (await fetch(link)).text();
    expect(page).toContain('<input id="name" name="name" type="text" autocomplete="name" value="Grace H">');
    expect(page).toMatch(/value="Labor" checked>/);
    expect(page).not.toMatch(/value="Privacy" checked>/);
    const confirmed = await fetch(link, {
      method: 'POST',
      body: new URLSearchParams([
        ['choices', '1'],
        ['name', 'Grace Hopper'],
        ['topics', 'Privacy'],
        ['topics', 'Safety'],
      ]),
    });
    expect(await confirmed.text()).toContain("You're subscribed");
    expect(await row(email)).toMatchObject({ status: 'active', name: 'Grace Hopper', topics: '["Privacy","Safety"]' });
    const welcome = (await sink.parsed()).find((m) => m.subject?.startsWith('Welcome') && m.to && !Array.isArray(m.to) && m.to.value[0]?.address === email);
    expect(welcome!.to).toMatchObject({ value: [{ address: email, name: 'Grace Hopper' }] });
    expect(errors).toEqual([]);
  });

  it('erases the record of confirmation emails with the person', async () => {
    await post('erase-me@example.org');
    await settled();
    const id = (await row('erase-me@example.org'))!.id;
    const sends = () => db.selectFrom('confirmation_sends').selectAll().where('subscriber_id', '=', id).execute();
    expect(await sends()).toHaveLength(1);
    await forgetSubscriber(db, 'erase-me@example.org');
    expect(await sends()).toEqual([]);
  });
});

describe('the limit per address, across processes', () => {
  it('two services sharing the store send one confirmation email for twenty posts at once', async () => {
    const sink = await startSmtpSink();
    const ws = createWorkspace({ SMTP_URL: sink.url, LOG_LEVEL: 'info' });
    const db = await openTestDb(ws.env.DATABASE_URL!);
    const services = [await startServe(ws.env, ['--http-only']), await startServe(ws.env, ['--http-only'])];
    try {
      const email = 'shared@example.org';
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          fetch(`${services[i % 2]!.url}/subscribe`, {
            method: 'POST',
            body: new URLSearchParams({ email }),
            headers: { 'x-forwarded-for': `198.19.0.${i + 1}` },
          }).then((r) => expect(r.status).toBe(200)),
        ),
      );
      // A service stops only once its background work is done: then every request has been handled.
      for (const service of services) {
        service.child.kill('SIGTERM');
        expect(await service.exited).toBe(0);
      }
      expect(sink.received.filter((m) => m.envelopeTo.includes(email))).toHaveLength(1);
      const rows = await db.selectFrom('subscribers').select(['email', 'status']).execute();
      expect(rows).toEqual([{ email, status: 'pending' }]);
      for (const service of services) expect(service.output.filter((line) => line.includes('http error'))).toEqual([]);
    } finally {
      for (const service of services) service.child.kill('SIGKILL');
      await db.destroy();
      await sink.close();
      ws.cleanup();
    }
  }, 120_000);
});

describe('when an address bounced', () => {
  it('is recorded when it becomes bounced', async () => {
    const ws = createWorkspace();
    const db = await openTestDb(ws.env.DATABASE_URL!);
    try {
      await addSubscribers(db, [{ email: 'full@example.org' }]);
      const { id } = await db.selectFrom('subscribers').select('id').executeTakeFirstOrThrow();
      const at = new Date('2026-11-23T08:00:00.000Z');
      expect(await recordHardBounce(db, id, 2, at)).toBe(false);
      expect(await db.selectFrom('subscribers').select(['status', 'bounced_at']).executeTakeFirstOrThrow()).toEqual({ status: 'active', bounced_at: null });
      expect(await recordHardBounce(db, id, 2, at)).toBe(true);
      expect(await db.selectFrom('subscribers').select(['status', 'bounced_at']).executeTakeFirstOrThrow()).toEqual({
        status: 'bounced',
        bounced_at: at.toISOString(),
      });
    } finally {
      await db.destroy();
      ws.cleanup();
    }
  });

  it('migration 006 dates the bounces from before it by their last change', async () => {
    const { db } = await openScratchDbAt('005-feedback-reports');
    try {
      const person = (email: string, status: SubscriberStatus) => ({
        email,
        email_key: email,
        name: '',
        status,
        topics: '[]',
        created_at: '2026-01-01T00:00:00.000Z',
        updated_at: '2026-03-04T05:06:07.000Z',
      });
      await sql`insert into subscribers (email, email_key, name, status, topics, created_at, updated_at) values
        ${sql.join([person('gone@example.org', 'bounced'), person('here@example.org', 'active')].map((p) => sql`(${sql.join(Object.values(p))})`))}`.execute(
        db,
      );
      // 006 runs first; later migrations follow it.
      expect((await migrateToLatest(db))[0]).toBe('006-confirmation-sends');
      const rows = await db.selectFrom('subscribers').select(['email', 'bounced_at']).orderBy('email').execute();
      expect(rows).toEqual([
        { email: 'gone@example.org', bounced_at: '2026-03-04T05:06:07.000Z' },
        { email: 'here@example.org', bounced_at: null },
      ]);
    } finally {
      await db.destroy();
    }
  });
});
