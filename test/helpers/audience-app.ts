import type { Config } from '../../src/config/config.ts';
import type { Db } from '../../src/db/connect.ts';
import { BackgroundWork } from '../../src/http/background-work.ts';
import { type HttpServer, startHttpServer } from '../../src/http/server.ts';
import { type AudienceDeps, audienceRoutes } from '../../src/http/subscription-routes.ts';
import { createSmtpTransport } from '../../src/transport/smtp.ts';
import type { Transport } from '../../src/domain.ts';
import { type Workspace, createWorkspace } from './cli.ts';
import { testConfig } from './fixtures.ts';
import { seedSampleArticles } from './seed.ts';
import { type SmtpSink, startSmtpSink } from './smtp-sink.ts';
import { openTestDb } from './store.ts';

/** The readers' pages on a real socket, over a scratch store with the sample articles, mailing a real SMTP sink. */
export interface AudienceApp {
  sink: SmtpSink;
  ws: Workspace;
  db: Db;
  config: Config;
  transport: Transport;
  background: BackgroundWork;
  http: HttpServer;
  /** Every failure reported, by the routes or by background work, as `context: error`. */
  errors: string[];
  close(): Promise<void>;
}

export async function startAudienceApp(env: Record<string, string> = {}, deps: Pick<AudienceDeps, 'now'> = {}): Promise<AudienceApp> {
  const errors: string[] = [];
  const onError = (error: unknown, context: string) => errors.push(`${context}: ${String(error)}`);
  const sink = await startSmtpSink();
  const ws = createWorkspace();
  const config = testConfig({ DATABASE_URL: ws.env.DATABASE_URL!, SMTP_URL: sink.url, PUBLIC_URL: 'https://news.example.org', ...env });
  const db = await openTestDb(config.databaseUrl);
  await seedSampleArticles(db);
  const transport = createSmtpTransport({ url: sink.url, connections: 2 });
  const background = new BackgroundWork(onError);
  const http = await startHttpServer(config, audienceRoutes({ db, config, transport, onError, background, ...deps }), { host: '127.0.0.1', port: 0, onError });
  return {
    sink,
    ws,
    db,
    config,
    transport,
    background,
    http,
    errors,
    close: async () => {
      await http.close();
      await transport.close();
      await db.destroy();
      await sink.close();
      ws.cleanup();
    },
  };
}
