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
  start <module>…  run modules in this process until SIGTERM/SIGINT; each is one of:
                   ${MODULE_NAMES.join(', ')}; or all
                   (several: \`start runtime-watcher metrics-reporter\`)
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
  const modules = resolveModules(args.flatMap((arg) => arg.split(',')).filter(Boolean));
  if (!modules) {
    console.error(
      `maestro start: expected all, or one or more of ${MODULE_NAMES.join(', ')}\n\n${USAGE}`,
    );
    return 2;
  }
  await runModules(modules, config, rootLog.child({ modules: args.join(',') }));
  return 0;
}

/** `all`, or distinct module names; undefined for anything else (a usage error). */
function resolveModules(targets: readonly string[]): readonly ModuleName[] | undefined {
  if (targets.length === 1 && targets[0] === 'all') return MODULE_NAMES;
  const names = MODULE_NAMES.filter((name) => targets.includes(name));
  const isValid = targets.length > 0 && names.length === new Set(targets).size;
  return isValid ? names : undefined;
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
