import type { Logger } from 'pino';
import { createPostgresPool } from '../adapters/postgres/pool';
import { PostgresMaestroV1Source } from '../adapters/postgres/postgres-maestro-v1-source';
import {
  ImportOutcome,
  SchedulerImport,
  SUCCESSFUL_OUTCOMES,
  type ImportOptions,
  type SchedulerImportResult,
} from '../app/scheduler-import';
import type { Config } from '../config/load';
import { Resources } from './infra/resources';

export const IMPORT_USAGE = `Usage: maestro import --from postgres://user:pass@host:5432/maestro [options]

Copies every scheduler of a Maestro v1 PostgreSQL database (its schedulers and
scheduler_versions tables, read only) into maestro's (MAESTRO_POSTGRES_URL): the same
versions, in order, and the same active version. Safe to run again.

Options:
  --dry-run                print what would be done; write nothing
  --replace                replace schedulers already here with other versions, unless
                           activated (default: report them as "differs" and leave them)
  --skip-invalid-versions  import a scheduler whose older versions break a rule, without
                           them (its active version must be valid)
  --activate               queue create_scheduler for every imported scheduler not yet
                           created here, so maestro starts managing its rooms (Temporal);
                           read docs/migrating-from-maestro.md (cut-over) first

Exit codes: 0 every scheduler imported or unchanged; 1 a failure (a database unreachable,
not Maestro's, or a write failed); 2 usage error; 3 some scheduler skipped (invalid, or
differing here without --replace).`;

/** What `maestro import` was asked to do. */
export interface ImportArguments extends ImportOptions {
  /** Maestro v1's PostgreSQL URL. */
  from: string;
}

const FLAGS = {
  '--dry-run': 'dryRun',
  '--replace': 'replace',
  '--skip-invalid-versions': 'skipInvalidVersions',
  '--activate': 'activate',
} as const satisfies Record<string, keyof ImportOptions>;

const isFlag = (arg: string): arg is keyof typeof FLAGS => arg in FLAGS;

/** Parses `maestro import` arguments (`--from URL` or `--from=URL`, flags in any order). */
export function parseImportArguments(
  args: readonly string[],
): ImportArguments | { usageError: string } | { help: true } {
  const options: ImportOptions = {
    dryRun: false,
    replace: false,
    skipInvalidVersions: false,
    activate: false,
  };
  let from: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--help' || arg === '-h' || arg === 'help') return { help: true };
    if (isFlag(arg)) options[FLAGS[arg]] = true;
    else if (arg === '--from') from = args[++i];
    else if (arg.startsWith('--from=')) from = arg.slice('--from='.length);
    else return { usageError: `unknown argument "${arg}"` };
  }
  if (!from) return { usageError: '--from <postgres URL of Maestro v1> is required' };
  if (!/^postgres(ql)?:\/\//.test(from))
    return { usageError: '--from must be a postgres:// or postgresql:// URL' };
  if (options.activate && options.dryRun)
    return { usageError: '--activate and --dry-run exclude each other' };
  return { ...options, from };
}

/** Where the command writes: the report to `out`, problems to `err`. */
export interface ImportOutput {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** Runs the import and prints its report; returns the exit code (see IMPORT_USAGE). */
export async function runImport(
  options: ImportArguments,
  config: Config,
  log: Logger,
  output: ImportOutput,
): Promise<number> {
  const source = createPostgresPool({ url: options.from, poolSize: 1 }, log);
  const resources = new Resources(config, log);
  try {
    const schedulerImport = new SchedulerImport({
      source: new PostgresMaestroV1Source(source),
      schedulers: resources.schedulerStore(),
      operations: options.activate ? resources.operationQueue() : undefined,
    });
    const results = await schedulerImport.run(options);
    output.out(renderImportReport(results, options.dryRun));
    return importExitCode(results);
  } catch (error) {
    output.err(`maestro import: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await source.end();
    await resources.close();
  }
}

/** 1 when anything failed, else 3 when anything was skipped, else 0. */
export function importExitCode(results: readonly SchedulerImportResult[]): number {
  if (results.some((result) => result.outcome === ImportOutcome.FAILED)) return 1;
  return results.every((result) => SUCCESSFUL_OUTCOMES.includes(result.outcome)) ? 0 : 3;
}

const DRY_RUN_WORDS: Partial<Record<ImportOutcome, string>> = {
  imported: 'would import',
  replaced: 'would replace',
};

/** One line per scheduler, its details indented under it, then the counts. */
export function renderImportReport(
  results: readonly SchedulerImportResult[],
  isDryRun: boolean,
): string {
  const lines = results.flatMap((result) => {
    const word = (isDryRun && DRY_RUN_WORDS[result.outcome]) || result.outcome;
    const versions =
      result.versions.length > 0
        ? ` ${result.versions.length} version(s) ${result.versions.join(', ')}; active ${result.activeVersion}`
        : '';
    const queued = result.operationId ? `; create_scheduler queued (${result.operationId})` : '';
    return [
      `${word.padEnd(13)} ${result.name}${versions}${queued}`,
      ...result.details.map((detail) => `    ${detail}`),
    ];
  });
  const counts = Object.values(ImportOutcome).map(
    (outcome) => `${results.filter((result) => result.outcome === outcome).length} ${outcome}`,
  );
  const heading = isDryRun ? 'dry run, nothing written: ' : '';
  return [...lines, `${heading}${results.length} scheduler(s): ${counts.join(', ')}`].join('\n');
}
