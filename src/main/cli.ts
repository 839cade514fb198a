import { createPostgresPool } from '../adapters/postgres/pool';
import { migrate } from '../adapters/postgres/migrate';
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
import { runModules } from './run-modules';

const USAGE = `Usage: maestro <command>

Commands:
  start <module>   run a module until SIGTERM/SIGINT; module is one of:
                   ${MODULE_NAMES.join(', ')}, all
  migrate          apply pending PostgreSQL migrations (idempotent, safe concurrently)
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
      return withConfig((config, rootLog) => runMigrate(config, rootLog));
    case 'start':
      return withConfig((config, rootLog) => runStart(args, config, rootLog));
    default:
      console.error(`maestro: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
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
  const target = args[0];
  const modules = resolveModules(target);
  if (!modules || args.length !== 1) {
    console.error(`maestro start: expected one of ${MODULE_NAMES.join(', ')}, all\n\n${USAGE}`);
    return 2;
  }
  await runModules(modules, config, rootLog.child({ modules: target }));
  return 0;
}

function resolveModules(target: string | undefined): readonly ModuleName[] | undefined {
  if (target === 'all') return MODULE_NAMES;
  const name = MODULE_NAMES.find((candidate) => candidate === target);
  return name ? [name] : undefined;
}

async function runMigrate(config: Config, rootLog: Logger): Promise<number> {
  const log = rootLog.child({ command: 'migrate' });
  const pool = createPostgresPool({ ...config.postgres, poolSize: 1 }, log);
  try {
    const applied = await migrate(pool, log);
    log.info({ applied }, applied.length > 0 ? 'database migrated' : 'database already up to date');
    return 0;
  } catch (error) {
    log.error({ err: error }, 'migration failed');
    return 1;
  } finally {
    await pool.end();
  }
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
