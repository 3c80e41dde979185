import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { failingSources } from '../articles/source-store.ts';
import { type Db, probeDatabase } from '../db/connect.ts';
import type { ServiceState } from '../schedule/service.ts';
import { maskCredentials } from '../text/mask-credentials.ts';
import type { Reply } from './pages.ts';
import type { Route } from './subscription-routes.ts';

/** Deliveries still to do across all digests (pending, deferred, uncertain). */
async function openDeliveries(db: Db): Promise<number> {
  const row = await db
    .selectFrom('deliveries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', 'in', ['pending', 'deferred', 'uncertain', 'sending'])
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Prometheus metrics, read from the database at each scrape so they survive
 * restarts and count what every sender did, not only this process.
 */
function metricsRegistry(db: Db, state: ServiceState | null): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'digest_deliveries',
    help: 'Deliveries by digest week and state (sent, failed, deferred, skipped, ...)',
    labelNames: ['week', 'status'],
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await db
        .selectFrom('deliveries as d')
        .innerJoin('digests as g', 'g.id', 'd.digest_id')
        .select(['g.week', 'd.status', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy(['g.week', 'd.status'])
        .execute();
      for (const r of rows) this.set({ week: r.week, status: r.status }, Number(r.n));
    },
  });
  new Gauge({
    name: 'digest_subscribers',
    help: 'Subscribers by status',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await db
        .selectFrom('subscribers')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('status')
        .execute();
      for (const r of rows) this.set({ status: r.status }, Number(r.n));
    },
  });
  new Gauge({
    name: 'digest_last_success_timestamp_seconds',
    help: 'When the most recent digest finished sending (Unix time)',
    registers: [registry],
    async collect() {
      const row = await db.selectFrom('digests').select('finished_at').where('status', '=', 'sent').orderBy('finished_at', 'desc').limit(1).executeTakeFirst();
      this.set(row?.finished_at ? Date.parse(row.finished_at) / 1000 : 0);
    },
  });
  new Gauge({
    name: 'digest_sources_failing',
    help: 'Sources whose last fetch failed',
    registers: [registry],
    async collect() {
      this.set((await failingSources(db)).length);
    },
  });
  new Gauge({
    name: 'digest_last_run_duration_seconds',
    help: 'How long the last run of this service took',
    registers: [registry],
    collect() {
      this.set(state?.lastRun?.durationSeconds ?? 0);
    },
  });
  return registry;
}

/** GET /healthz and GET /metrics, for a monitoring system. */
export function opsRoutes(db: Db, state: ServiceState | null, databaseUrl: string): Record<string, Route> {
  const registry = metricsRegistry(db, state);
  return {
    'GET /healthz': async (): Promise<Reply> => {
      // A failing feed is reported, not made a 503: the service itself works, and `digest status` names the feed.
      const body = { status: 'ok', lastRun: state?.lastRun ?? null, nextRun: state?.nextRunAt() ?? null, deliveriesPending: 0, sourcesFailing: 0 };
      try {
        await probeDatabase(databaseUrl);
        body.deliveriesPending = await openDeliveries(db);
        body.sourcesFailing = (await failingSources(db)).length;
      } catch (error) {
        const reason = maskCredentials((error as Error).message);
        return { status: 503, type: 'application/json', body: JSON.stringify({ ...body, status: 'unavailable', error: `database: ${reason}` }) };
      }
      return { status: 200, type: 'application/json', body: JSON.stringify(body) };
    },
    'GET /metrics': async (): Promise<Reply> => ({ status: 200, type: registry.contentType, body: await registry.metrics() }),
  };
}
