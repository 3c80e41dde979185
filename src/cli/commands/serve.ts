import type { Command } from 'commander';
import { UserError } from '../../errors.ts';
import { startHttpServer } from '../../http/server.ts';
import { audienceRoutes } from '../../http/subscription-routes.ts';
import { createConfiguredTransport } from '../../transport/create-transport.ts';
import { openContext } from '../context.ts';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the HTTP app (subscribe, confirm, unsubscribe, preferences) on HTTP_HOST:HTTP_PORT')
    .option('--http-only', 'serve the HTTP app without the weekly schedule')
    .action(async (options: { httpOnly?: boolean }) => {
      if (!options.httpOnly) {
        throw new UserError('the weekly schedule is not part of this version yet: run `digest serve --http-only` and `digest send` from cron', 'EUSAGE');
      }
      const { db, config } = await openContext();
      const transport = createConfiguredTransport(config);
      const onError = (error: unknown, context: string) => console.error(`error in ${context}: ${(error as Error).message}`);
      const http = await startHttpServer(config, audienceRoutes({ db, config, transport, onError }), { onError }).catch(async (error: NodeJS.ErrnoException) => {
        await db.destroy();
        throw error.code === 'EADDRINUSE' || error.code === 'EACCES'
          ? new UserError(`cannot listen on ${config.httpHost}:${config.httpPort}: ${error.code === 'EADDRINUSE' ? 'the port is in use' : 'permission denied'} (HTTP_HOST, HTTP_PORT)`, error.code)
          : error;
      });
      console.log(`HTTP app at ${http.url} (public URL ${config.publicUrl})`);
      const stop = async (signal: string) => {
        console.log(`${signal}: stopping`);
        await http.close();
        await transport.close();
        await db.destroy();
        process.exit(0);
      };
      process.once('SIGINT', stop).once('SIGTERM', stop);
    });
}
