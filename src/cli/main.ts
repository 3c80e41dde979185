import { Command, CommanderError } from 'commander';
import { migrateToLatest } from '../db/connect.ts';
import { describeStore } from '../db/dialect.ts';
import { isUserError } from '../errors.ts';
import { registerArticleCommands } from './commands/articles.ts';
import { registerCopyStoreCommand } from './commands/copy-store.ts';
import { registerDemoCommand } from './commands/demo.ts';
import { registerDigestCommands } from './commands/digest.ts';
import { registerEditCommand } from './commands/edit.ts';
import { registerFeedbackCommands } from './commands/feedback.ts';
import { registerPreviewCommand } from './commands/preview.ts';
import { registerServeCommand } from './commands/serve.ts';
import { registerSourceCommands } from './commands/sources.ts';
import { registerSubscriberCommands } from './commands/subscribers.ts';
import { withContext } from './context.ts';
import { forTerminal } from './output.ts';

export function buildProgram(): Command {
  const program = new Command('digest')
    .description("weekly-digest: collect the week's articles, render one email digest, send a copy to every subscriber")
    .showHelpAfterError('(run `digest --help` for the list of commands)')
    // commander's own errors quote the arguments ("unknown option '…'"); set before the
    // sub-commands are added, which inherit it.
    .configureOutput({ outputError: (text, write) => write(text.split('\n').map(forTerminal).join('\n')) })
    .exitOverride();

  program
    .command('migrate')
    .description('create or upgrade the database schema (every command also does this at start)')
    .action(async () => {
      await withContext(async ({ db, config, migrated }) => {
        // The context already ran them; report what this start applied.
        const applied = [...migrated, ...(await migrateToLatest(db))];
        console.log(applied.length ? `applied: ${applied.join(', ')}` : `${describeStore(config.databaseUrl)} is up to date`);
      });
    });
  registerDemoCommand(program);
  registerArticleCommands(program);
  registerSourceCommands(program);
  registerSubscriberCommands(program);
  registerFeedbackCommands(program);
  registerDigestCommands(program);
  registerEditCommand(program);
  registerPreviewCommand(program);
  registerServeCommand(program);
  registerCopyStoreCommand(program);
  // `digest --help` lists every command, sub-commands included, one line each.
  program.configureHelp({
    helpWidth: 160,
    visibleCommands: (cmd) => (cmd === program ? leafCommands(program) : cmd.commands.filter((c) => c.name() !== 'help')),
    subcommandTerm: (cmd) => {
      const parent = cmd.parent && cmd.parent !== program ? `${cmd.parent.name()} ` : '';
      const args = cmd.registeredArguments.map((a) => (a.required ? `<${a.name()}>` : `[${a.name()}]`)).join(' ');
      const opts = cmd.options.filter((o) => o.long !== '--help').map((o) => (o.mandatory ? o.flags : `[${o.flags}]`));
      return [`${parent}${cmd.name()}`, args, ...opts].filter(Boolean).join(' ');
    },
  });
  return program;
}

function leafCommands(cmd: Command): Command[] {
  // Hidden commands are internal (compile-segments): commander marks them with _hidden.
  const listed = cmd.commands.filter((c) => c.name() !== 'help' && !(c as unknown as { _hidden: boolean })._hidden);
  return listed.flatMap((c) => (c.commands.length > 0 ? leafCommands(c) : [c]));
}

/** Runs the CLI: user mistakes become one line on stderr and a non-zero exit; our bugs crash loudly. */
export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
      return;
    }
    if (isUserError(error)) {
      console.error(`digest: ${forTerminal(error.message)}`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
}

await main(process.argv);
