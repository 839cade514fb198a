import { Command, Option } from 'commander';
import { MODULE_NAMES } from '../../config/load';
import { renderSettingsTable } from '../../config/reference';
import { CONFIG_CONVERT_USAGE } from '../config-convert-command';
import { IMPORT_USAGE } from '../import-command';
import { KEYS_USAGE } from '../keys-arguments';
import { MIGRATE_TARGETS } from '../migrate-command';
import type { CliContext, GlobalOptions } from './cli-context';
import { COMPLETION_SHELLS, completionScript, type CompletionShell } from './completion';
import { ExitCode } from './exit-codes';
import { registerOperationCommands } from './operation-commands';
import { OUTPUT_FORMATS } from './output';
import { registerRoomCommands } from './room-commands';
import { registerSchedulerCommands } from './scheduler-commands';

/** The commands that run maestro itself (they read MAESTRO_* settings and reach its stores). */
export interface ServerCommands {
  start: (modules: readonly string[]) => Promise<number>;
  migrate: (target: string | undefined) => Promise<number>;
  keys: (args: readonly string[]) => Promise<number>;
  import: (args: readonly string[]) => Promise<number>;
  configConvert: (args: readonly string[]) => Promise<number>;
}

/**
 * The `maestro` command line: the server commands (start, migrate, keys, config) and the client
 * commands (schedulers, operations, completion) that talk to a running Management API.
 */
export function buildProgram(cli: CliContext, server: ServerCommands): Command {
  const program = new Command('maestro')
    .description('Game-room orchestrator, wire-compatible with Maestro v1, on Temporal')
    .showHelpAfterError('(maestro --help lists the commands)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => cli.io.out(text.trimEnd()),
      writeErr: (text) => cli.io.err(text.trimEnd()),
    })
    .option(
      '--server <url>',
      'Management API (env MAESTRO_SERVER, profile; default http://localhost:8080)',
    )
    .option(
      '--rooms-server <url>',
      'Rooms API (env MAESTRO_ROOMS_SERVER, profile; default http://localhost:8070)',
    )
    .option('--token <token>', 'API key or OpenID Connect token (env MAESTRO_TOKEN, profile)')
    .option('--profile <name>', 'profile of ~/.config/maestro/cli.yaml (env MAESTRO_PROFILE)')
    .addOption(
      new Option('-o, --output <format>', 'table, json or yaml')
        .choices(OUTPUT_FORMATS)
        .default('table'),
    )
    .hook('preAction', (_program, action) =>
      cli.useOptions(action.optsWithGlobals<GlobalOptions>()),
    );

  program
    .command('start')
    .description(
      `run modules in this process until SIGTERM/SIGINT: all, or any of ${MODULE_NAMES.join(', ')}`,
    )
    .argument('<module...>', 'modules to run (several: `start runtime-watcher metrics-reporter`)')
    .action(cli.run((modules: string[]) => server.start(modules)));

  program
    .command('migrate')
    .description(
      "apply pending PostgreSQL migrations, then register maestro's search attributes on the Temporal namespace (idempotent)",
    )
    .argument('[target]', `only this step: ${MIGRATE_TARGETS.join(' or ')}`)
    .action(cli.run((target: string | undefined) => server.migrate(target)));

  program
    .command('keys')
    .description('manage API keys: create, list, revoke (`maestro keys help`)')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[args...]')
    .addHelpText('after', `\n${KEYS_USAGE}`)
    .action(cli.run((args: string[]) => server.keys(args)));

  program
    .command('config')
    .description(
      'print every MAESTRO_* setting with its default; `config convert`: from a Maestro v1 configuration',
    )
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[convert] [args...]')
    .addHelpText('after', `\n${CONFIG_CONVERT_USAGE}`)
    .action(
      cli.run((args: string[] = []) => {
        if (args[0] === 'convert') return server.configConvert(args.slice(1));
        if (args.length > 0) {
          cli.io.err(`maestro config: unknown argument "${args[0]}": expected none, or convert`);
          return ExitCode.USAGE;
        }
        cli.io.out(renderSettingsTable());
        return ExitCode.OK;
      }),
    );

  program
    .command('import')
    .description(
      "copy a Maestro v1 database's schedulers and versions here (`maestro import --help`)",
    )
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[args...]')
    .addHelpText('after', `\n${IMPORT_USAGE}`)
    .action(cli.run((args: string[]) => server.import(args)));

  registerSchedulerCommands(program, cli);
  registerOperationCommands(program, cli);
  registerRoomCommands(program, cli);

  program
    .command('completion')
    .description('print a shell completion script: source <(maestro completion bash)')
    .addArgument(
      new Command()
        .createArgument('<shell>', COMPLETION_SHELLS.join(' or '))
        .choices(COMPLETION_SHELLS),
    )
    .action(
      cli.run((shell: CompletionShell) => {
        cli.io.out(completionScript(program, shell));
        return ExitCode.OK;
      }),
    );
  return program;
}
