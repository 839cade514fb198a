import {
  ConfigError,
  loadConfig,
  MODULE_NAMES,
  type Config,
  type ModuleName,
} from '../config/load';
import { renderSettingsTable } from '../config/reference';
import { createRootLogger } from './infra/logger';
import { MIGRATE_TARGETS, runMigrate, type MigrateTarget } from './migrate-command';
import { runModules } from './run-modules';

const USAGE = `Usage: maestro <command>

Commands:
  start <module>   run a module until SIGTERM/SIGINT; module is one of:
                   ${MODULE_NAMES.join(', ')}, all
  migrate [target] apply pending PostgreSQL migrations, then register maestro's search
                   attributes on the Temporal namespace (idempotent, safe concurrently);
                   target postgres or temporal does only that step
  config           print every MAESTRO_* setting with its default
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
      console.log(renderSettingsTable());
      return 0;
    case 'migrate':
      return withConfig((config) => migrateCommand(args, config));
    case 'start':
      return withConfig((config) => runStart(args, config));
    default:
      console.error(`maestro: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

async function withConfig(run: (config: Config) => Promise<number>): Promise<number> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`maestro: ${error.message}`);
    return 1;
  }
  return run(config);
}

async function runStart(args: readonly string[], config: Config): Promise<number> {
  const target = args[0];
  const modules = resolveModules(target);
  if (!modules || args.length !== 1) {
    console.error(`maestro start: expected one of ${MODULE_NAMES.join(', ')}, all\n\n${USAGE}`);
    return 2;
  }
  const log = createRootLogger(config.logLevel).child({ modules: target });
  await runModules(modules, config, log);
  return 0;
}

function resolveModules(target: string | undefined): readonly ModuleName[] | undefined {
  if (target === 'all') return MODULE_NAMES;
  const name = MODULE_NAMES.find((candidate) => candidate === target);
  return name ? [name] : undefined;
}

async function migrateCommand(args: readonly string[], config: Config): Promise<number> {
  const target = MIGRATE_TARGETS.find((candidate) => candidate === args[0]);
  if (args.length > 1 || (args.length === 1 && !target)) {
    console.error(
      `maestro migrate: expected no target or one of ${MIGRATE_TARGETS.join(', ')}\n\n${USAGE}`,
    );
    return 2;
  }
  const targets: readonly MigrateTarget[] = target ? [target] : MIGRATE_TARGETS;
  const log = createRootLogger(config.logLevel).child({ command: 'migrate' });
  return runMigrate(config, targets, log);
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
