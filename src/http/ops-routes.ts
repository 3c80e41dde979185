import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { failingSources } from '../articles/source-store.ts';
import { type Db, probeDatabase } from '../db/connect.ts';
import type { ServiceState } from '../schedule/service.ts';
import { maskCredentials } from '../text/mask-credentials.ts';
import type { Reply } from './pages.ts';
import type { Route } from './subscription-routes.ts';
import { countOpenDeliveries, deliveriesByWeekAndStatus } from '../delivery/delivery-store.ts';
import { lastSentAt } from '../digests/digest-store.ts';
import { type ApprovalStatus, draftApprovals } from '../digests/approval.ts';
import type { Config } from '../config/config.ts';
import { countSubscribersByStatus } from '../subscribers/subscriber-store.ts';

/**
 * Prometheus metrics, read from the database at each scrape so they survive
 * restarts and count what every sender did, not only this process.
 */
function metricsRegistry(db: Db, state: ServiceState | null, config: Config): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'digest_deliveries',
    help: 'Deliveries by digest week and state (sent, failed, deferred, skipped, ...)',
    labelNames: ['week', 'status'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of await deliveriesByWeekAndStatus(db)) this.set({ week: r.week, status: r.status }, r.n);
    },
  });
  new Gauge({
    name: 'digest_subscribers',
    help: 'Subscribers by status',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of await countSubscribersByStatus(db)) this.set({ status: r.status }, r.n);
    },
  });
  new Gauge({
    name: 'digest_last_success_timestamp_seconds',
    help: 'When the most recent digest finished sending (Unix time)',
    registers: [registry],
    async collect() {
      const finishedAt = await lastSentAt(db);
      this.set(finishedAt ? Date.parse(finishedAt) / 1000 : 0);
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
    name: 'digest_awaiting_approval',
    help: 'Built issues awaiting approval (DIGEST_APPROVAL=required): 1 while waiting, 2 once past APPROVAL_DEADLINE',
    labelNames: ['week'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const a of await draftApprovals(db, config)) if (a.state === 'awaiting approval') this.set({ week: a.week }, a.overdue ? 2 : 1);
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
export function opsRoutes(db: Db, state: ServiceState | null, config: Config): Record<string, Route> {
  const registry = metricsRegistry(db, state, config);
  return {
    'GET /healthz': async (): Promise<Reply> => {
      // A failing feed is reported, not made a 503: the service itself works, and `digest status` names the feed.
      const body = {
        status: 'ok',
        lastRun: state?.lastRun ?? null,
        nextRun: state?.nextRunAt() ?? null,
        deliveriesPending: 0,
        sourcesFailing: 0,
        approvals: [] as ApprovalStatus[],
      };
      try {
        await probeDatabase(config.databaseUrl);
        body.deliveriesPending = await countOpenDeliveries(db);
        body.sourcesFailing = (await failingSources(db)).length;
        // An issue held for approval is not a failure of the service (200), but it is what an operator must see first.
        body.approvals = await draftApprovals(db, config);
        if (body.approvals.some((a) => a.state === 'awaiting approval')) body.status = 'awaiting approval';
      } catch (error) {
        const reason = maskCredentials((error as Error).message);
        return { status: 503, type: 'application/json', body: JSON.stringify({ ...body, status: 'unavailable', error: `database: ${reason}` }) };
      }
      return { status: 200, type: 'application/json', body: JSON.stringify(body) };
    },
    'GET /metrics': async (): Promise<Reply> => ({ status: 200, type: registry.contentType, body: await registry.metrics() }),
  };
}
