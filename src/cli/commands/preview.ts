import type { Command } from 'commander';
import { UserError } from '../../errors.ts';
import { projectRoot } from '../../project-root.ts';
import { createConfiguredTransport } from '../../transport/create-transport.ts';
import { openContext } from '../context.ts';

export function registerPreviewCommand(program: Command): void {
  program
    .command('preview')
    .description("editors' preview: every template rendered by the sender's pipeline, live reload, test sends (127.0.0.1 only)")
    .option('--port <port>', 'port to listen on', '3000')
    .action(async (options: { port: string }) => {
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`invalid port "${options.port}"`, 'EINPUT');
      const { startPreviewServer } = await import('../../preview/server.ts');
      const { db, config } = await openContext();
      const preview = await startPreviewServer({
        db,
        config,
        root: projectRoot(),
        port,
        createTransport: () => createConfiguredTransport(config),
      }).catch(async (error: NodeJS.ErrnoException) => {
        await db.destroy();
        if (error.code === 'EADDRINUSE') throw new UserError(`port ${port} is in use; try --port ${port + 1}`, 'EADDRINUSE');
        throw error;
      });
      console.log(`Preview at ${preview.url}/ (test sends go to ${config.smtpUrl ? 'SMTP' : config.outboxDir}); Ctrl-C to stop`);
      const stop = async () => {
        await preview.close();
        await db.destroy();
        process.exit(0);
      };
      process.once('SIGINT', stop).once('SIGTERM', stop);
    });
}
