import {
  ConfigError,
  loadConfig,
  MODULE_NAMES,
  type Config,
  type ModuleName,
} from '../config/load';
import { renderSettingsTable } from '../config/reference';
import { ignoredServiceLinkVariables } from '../config/service-links';
import { createRootLogger, type Logger } from './infra/logger';
import { runConfigConvert } from './config-convert-command';
import { IMPORT_USAGE, parseImportArguments, runImport } from './import-command';
import { runKeysCommand } from './keys-command';
import { MIGRATE_TARGETS, runMigrate, type MigrateTarget } from './migrate-command';
import { isRoomsApiWorker, runRoomsApiPrimary, runRoomsApiWorker } from './rooms-api-cluster';
import { runModules } from './run-modules';

const USAGE = `Usage: maestro <command>

Commands:
  start <module>…  run modules in this process until SIGTERM/SIGINT; each is one of:
                   ${MODULE_NAMES.join(', ')}; or all
                   (several: \`start runtime-watcher metrics-reporter\`)
  migrate [target] apply pending PostgreSQL migrations, then register maestro's search
                   attributes on the Temporal namespace (idempotent, safe concurrently);
                   target postgres or temporal does only that step
  keys create|list|revoke
                   manage API keys: \`keys create --subject <name> --grant <role:game>…\`
                   prints a new key once; \`keys list [--json]\`; \`keys revoke <id>\`
                   (\`maestro keys help\` says more)
  config           print every MAESTRO_* setting with its default
  config convert --from <config.yaml> | --from-env
                   print the MAESTRO_* settings equivalent to a Maestro v1 configuration
  import --from <postgres URL> [--dry-run] [--replace] [--skip-invalid-versions] [--activate]
                   copy a Maestro v1 database's schedulers and versions here
                   (\`maestro import --help\` says more)
  help             show this text

Configuration comes from MAESTRO_* environment variables (\`maestro config\` lists them).`;

/** Exit codes: 0 success, 1 runtime or configuration failure, 2 usage error. */
export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    case 'config':
      if (args[0] === 'convert') return runConfigConvert(args.slice(1), process.env, consoleOutput);
      console.log(renderSettingsTable());
      return 0;
    case 'import':
      return importCommand(args);
    case 'migrate':
      return withConfig((config, rootLog) => migrateCommand(args, config, rootLog));
    case 'start':
      return withConfig((config, rootLog) => runStart(args, config, rootLog));
    case 'keys':
      return withConfig((config, rootLog) =>
        runKeysCommand(args, config, rootLog.child({ command: 'keys' }), {
          out: (text) => console.log(text),
          err: (text) => console.error(text),
        }),
      );
    default:
      console.error(`maestro: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

const consoleOutput = {
  out: (text: string) => console.log(text),
  err: (text: string) => console.error(text),
};

async function importCommand(args: readonly string[]): Promise<number> {
  const parsed = parseImportArguments(args);
  if ('help' in parsed) {
    console.log(IMPORT_USAGE);
    return 0;
  }
  if ('usageError' in parsed) {
    console.error(`maestro import: ${parsed.usageError}\n\n${IMPORT_USAGE}`);
    return 2;
  }
  return withConfig((config, rootLog) =>
    runImport(parsed, config, rootLog.child({ command: 'import' }), consoleOutput),
  );
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
  const rootLog = createRootLogger(config.logLevel);
  const serviceLinks = ignoredServiceLinkVariables(process.env);
  if (serviceLinks.length > 0) {
    rootLog.info({ variables: serviceLinks }, 'ignored kubernetes service-link variables');
  }
  return run(config, rootLog);
}

async function runStart(args: readonly string[], config: Config, rootLog: Logger): Promise<number> {
  const modules = resolveModules(args.flatMap((arg) => arg.split(',')).filter(Boolean));
  if (!modules) {
    console.error(
      `maestro start: expected all, or one or more of ${MODULE_NAMES.join(', ')}\n\n${USAGE}`,
    );
    return 2;
  }
  const log = rootLog.child({ modules: args.join(',') });
  if (isRoomsApiWorker()) {
    await runRoomsApiWorker(config, log);
    return 0;
  }
  if (config.roomsApiProcesses > 1) {
    if (modules.length !== 1 || modules[0] !== 'rooms-api') {
      console.error(
        'maestro start: MAESTRO_ROOMS_API_PROCESSES above 1 runs the Rooms API alone: `maestro start rooms-api`',
      );
      return 2;
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
  args: readonly string[],
  config: Config,
  rootLog: Logger,
): Promise<number> {
  const target = MIGRATE_TARGETS.find((candidate) => candidate === args[0]);
  if (args.length > 1 || (args.length === 1 && !target)) {
    console.error(
      `maestro migrate: expected no target or one of ${MIGRATE_TARGETS.join(', ')}\n\n${USAGE}`,
    );
    return 2;
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
