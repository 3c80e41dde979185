import type { Command } from 'commander';
import { UserError } from '../../errors.ts';
import { compileInChildProcess } from '../../render/segment-compiler.ts';
import { storedCompiler } from '../../render/stored-segments.ts';
import { nextRun } from '../../config/cron-times.ts';
import { createConfiguredTransport } from '../../transport/create-transport.ts';
import { openContext } from '../context.ts';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the service: the weekly schedule (DIGEST_CRON) and the HTTP app on HTTP_HOST:HTTP_PORT')
    .option('--http-only', 'serve the HTTP app without the weekly schedule')
    .option('--worker', 'one of several services sharing the store (PostgreSQL): each run sends alongside the others, as `send --worker`')
    .action(async (options: { httpOnly?: boolean; worker?: boolean }) => {
      // The service's own modules (pino, prom-client, node-cron, the HTTP app) load only here, not in every command.
      const [{ archiveRoutes }, { opsRoutes }, { startHttpServer }, { audienceRoutes }, { createLogger }, { startService }, { BackgroundWork }] =
        await Promise.all([
          import('../../http/archive-routes.ts'),
          import('../../http/ops-routes.ts'),
          import('../../http/server.ts'),
          import('../../http/subscription-routes.ts'),
          import('../../config/log.ts'),
          import('../../schedule/service.ts'),
          import('../../http/background-work.ts'),
        ]);
      const { db, config, migrated } = await openContext();
      const log = createLogger(config);
      if (migrated.length) log.info({ migrations: migrated }, 'database migrated');
      const transport = createConfiguredTransport(config);
      const service = options.httpOnly
        ? null
        : startService({ db, config, transport, log, compiler: storedCompiler(db, compileInChildProcess), worker: options.worker });
      const onError = (error: unknown, context: string) => log.error({ err: error, context }, 'http error');
      const background = new BackgroundWork(onError);
      const routes = {
        ...audienceRoutes({ db, config, transport, onError, background }),
        ...opsRoutes(db, service?.state ?? null, config),
        ...archiveRoutes(db, config),
      };
      const http = await startHttpServer(config, routes, { onError }).catch(async (error: NodeJS.ErrnoException) => {
        await service?.stop();
        await db.destroy();
        throw error.code === 'EADDRINUSE' || error.code === 'EACCES'
          ? new UserError(
              `cannot listen on ${config.httpHost}:${config.httpPort}: ${error.code === 'EADDRINUSE' ? 'the port is in use' : 'permission denied'} (HTTP_HOST, HTTP_PORT)`,
              error.code,
            )
          : error;
      });
      log.info(
        {
          url: http.url,
          publicUrl: config.publicUrl,
          schedule: service ? `${config.cron} (${config.timeZone})` : 'off',
          nextRun: service ? nextRun(config.cron, config.timeZone, new Date()).toISOString() : null,
        },
        'service started',
      );

      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        log.info({ signal }, 'stopping: no new connections or deliveries; letting messages in flight finish');
        const closed = http.close();
        http.server.closeIdleConnections();
        await service?.stop();
        await background.settled(); // confirmation emails still being sent
        await transport.close();
        await closed;
        await db.destroy();
        log.info('stopped');
        process.exit(0);
      };
      process.once('SIGINT', () => void stop('SIGINT')).once('SIGTERM', () => void stop('SIGTERM'));
    });
}
