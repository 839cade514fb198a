import {
  ConfigError,
  loadConfig,
  MODULE_NAMES,
  type Config,
  type ModuleName,
} from '../config/load';
import { readFileSync } from 'node:fs';
import { CommanderError } from 'commander';
import { ignoredServiceLinkVariables } from '../config/service-links';
import { CliContext } from './cli/cli-context';
import { ExitCode } from './cli/exit-codes';
import type { CliIo } from './cli/output';
import { buildProgram } from './cli/program';
import { createRootLogger, type Logger } from './infra/logger';
import { runConfigConvert } from './config-convert-command';
import { IMPORT_USAGE, parseImportArguments, runImport } from './import-command';
import { runKeysCommand } from './keys-command';
import { MIGRATE_TARGETS, runMigrate, type MigrateTarget } from './migrate-command';
import { isRoomsApiWorker, runRoomsApiPrimary, runRoomsApiWorker } from './rooms-api-cluster';
import { runModules } from './run-modules';

/**
 * Runs `maestro <argv>` and returns its exit code (see cli/exit-codes.ts): 0 done, 1 failure,
 * 2 usage error, 3 server unreachable.
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const cli = new CliContext(io, process.env, () => readFileSync(0, 'utf8'));
  const program = buildProgram(cli, {
    start: (modules) => withConfig((config, rootLog) => runStart(modules, config, rootLog, io)),
    migrate: (target) =>
      withConfig((config, rootLog) => migrateCommand(target, config, rootLog, io)),
    keys: (args) =>
      withConfig((config, rootLog) =>
        runKeysCommand(args, config, rootLog.child({ command: 'keys' }), io),
      ),
    import: (args) => importCommand(args, io),
    configConvert: (args) => Promise.resolve(runConfigConvert(args, process.env, io)),
  });
  if (argv.length === 0) {
    program.outputHelp({ error: true });
    return ExitCode.USAGE;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    // --help, `help` and --version end here with exit code 0; usage errors (printed already) with 1.
    if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE;
    throw error;
  }
  return cli.exitCode;
}

async function importCommand(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseImportArguments(args);
  if ('help' in parsed) {
    io.out(IMPORT_USAGE);
    return ExitCode.OK;
  }
  if ('usageError' in parsed) {
    io.err(`maestro import: ${parsed.usageError}\n\n${IMPORT_USAGE}`);
    return ExitCode.USAGE;
  }
  return withConfig((config, rootLog) =>
    runImport(parsed, config, rootLog.child({ command: 'import' }), io),
  );
}

function processIo(): CliIo {
  return {
    out: (text) => console.log(text),
    err: (text) => console.error(text),
    isInteractive: process.stderr.isTTY === true,
  };
}

async function withConfig(
  run: (config: Config, rootLog: Logger) => Promise<number>,
): Promise<number> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`maestro: ${error.message}`);
    return 1;
  }
  const rootLog = createRootLogger(config.logLevel, config.logFormat, {
    isTraced: config.tracing !== undefined,
  });
  const serviceLinks = ignoredServiceLinkVariables(process.env);
  if (serviceLinks.length > 0) {
    rootLog.info({ variables: serviceLinks }, 'ignored kubernetes service-link variables');
  }
  return run(config, rootLog);
}

async function runStart(
  args: readonly string[],
  config: Config,
  rootLog: Logger,
  io: CliIo,
): Promise<number> {
  const modules = resolveModules(args.flatMap((arg) => arg.split(',')).filter(Boolean));
  if (!modules) {
    io.err(`maestro start: expected all, or one or more of ${MODULE_NAMES.join(', ')}`);
    return ExitCode.USAGE;
  }
  const log = rootLog.child({ modules: args.join(',') });
  if (isRoomsApiWorker()) {
    await runRoomsApiWorker(config, log);
    return 0;
  }
  if (config.roomsApiProcesses > 1) {
    if (modules.length !== 1 || modules[0] !== 'rooms-api') {
      io.err(
        'maestro start: MAESTRO_ROOMS_API_PROCESSES above 1 runs the Rooms API alone: `maestro start rooms-api`',
      );
      return ExitCode.USAGE;
    }
    return runRoomsApiPrimary(config, log);
  }
  await runModules(modules, config, log);
  return 0;
}

/** `all`, or distinct module names; undefined for anything else (a usage error). */
function resolveModules(targets: readonly string[]): readonly ModuleName[] | undefined {
  if (targets.length === 1 && targets[0] === 'all') return MODULE_NAMES;
  const names = MODULE_NAMES.filter((name) => targets.includes(name));
  const isValid = targets.length > 0 && names.length === new Set(targets).size;
  return isValid ? names : undefined;
}

async function migrateCommand(
  argument: string | undefined,
  config: Config,
  rootLog: Logger,
  io: CliIo,
): Promise<number> {
  const target = MIGRATE_TARGETS.find((candidate) => candidate === argument);
  if (argument !== undefined && !target) {
    io.err(`maestro migrate: expected no target or one of ${MIGRATE_TARGETS.join(', ')}`);
    return ExitCode.USAGE;
  }
  const targets: readonly MigrateTarget[] = target ? [target] : MIGRATE_TARGETS;
  return runMigrate(config, targets, rootLog.child({ command: 'migrate' }));
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
