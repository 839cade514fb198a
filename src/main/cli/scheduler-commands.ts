import type { Command } from 'commander';
import type { SchedulerInfo, SchedulerSummary, SchedulerVersion } from '@maestro/management-client';
import type { CliContext } from './cli-context';
import { readDefinitionFile } from './definition-file';
import { ExitCode } from './exit-codes';
import { watchOperations } from './operation-watch';
import { watchRollout } from './rollout-watch';
import { shortTime, type Column } from './output';
import { planScheduler, type SchedulerPlan } from './scheduler-plan';
import { parseDuration } from './durations';

const SUMMARY_COLUMNS: Column<SchedulerSummary>[] = [
  { heading: 'NAME', value: (s) => s.name },
  { heading: 'GAME', value: (s) => s.game },
  { heading: 'VERSION', value: (s) => s.version },
  { heading: 'STATE', value: (s) => s.state },
  { heading: 'REPLICAS', value: (s) => s.roomsReplicas },
  { heading: 'MAX SURGE', value: (s) => s.maxSurge },
  { heading: 'CREATED', value: (s) => shortTime(s.createdAt) },
];
const VERSION_COLUMNS: Column<SchedulerVersion>[] = [
  { heading: 'VERSION', value: (v) => v.version },
  { heading: 'ACTIVE', value: (v) => (v.isActive ? 'yes' : '') },
  { heading: 'CREATED', value: (v) => shortTime(v.createdAt) },
];
const INFO_COLUMNS: Column<SchedulerInfo>[] = [
  { heading: 'NAME', value: (s) => s.name },
  { heading: 'STATE', value: (s) => s.state },
  { heading: 'REPLICAS', value: (s) => s.roomsReplicas },
  { heading: 'READY', value: (s) => s.roomsReady },
  { heading: 'OCCUPIED', value: (s) => s.roomsOccupied },
  { heading: 'PENDING', value: (s) => s.roomsPending },
  { heading: 'TERMINATING', value: (s) => s.roomsTerminating },
  {
    heading: 'AUTOSCALING',
    value: (s) => (s.autoscaling?.enabled ? `${s.autoscaling.min}-${s.autoscaling.max}` : 'off'),
  },
];

const WAIT_HELP =
  'follow the resulting operations until they end, then the rooms until every ready room runs the active version; exit 1 if an operation fails or --timeout passes';
const DELETE_WAIT_HELP = 'follow the deletion until the scheduler is gone; exit 1 if it fails';
const TIMEOUT_HELP = 'how long --wait follows them (e.g. 90s, 10m)';

/** `maestro schedulers …`: list, get, versions, info, apply, diff, switch, delete. */
export function registerSchedulerCommands(program: Command, cli: CliContext): void {
  const schedulers = program
    .command('schedulers')
    .alias('scheduler')
    .description('list, inspect, apply, switch and delete schedulers (Management API)');

  schedulers
    .command('list')
    .description('the schedulers, each at its active version')
    .option('--game <game>', 'only this game')
    .option('--name <name>', 'only this scheduler')
    .action(
      cli.run(async (options: { game?: string; name?: string }) => {
        const list = await cli.client().listSchedulers(options);
        cli.print({ schedulers: list }, list, SUMMARY_COLUMNS);
      }),
    );

  schedulers
    .command('get <name>')
    .description('a scheduler: its active version, or --scheduler-version')
    .option('--scheduler-version <version>', 'this version instead of the active one')
    .action(
      cli.run(async (name: string, options: { schedulerVersion?: string }) => {
        const scheduler = await cli.client().getScheduler(name, options.schedulerVersion);
        const summary = { ...scheduler, version: scheduler.spec.version } as SchedulerSummary;
        cli.print(scheduler, [summary], SUMMARY_COLUMNS);
      }),
    );

  schedulers
    .command('versions <name>')
    .description("a scheduler's versions, the active one marked")
    .action(
      cli.run(async (name: string) => {
        const versions = await cli.client().getSchedulerVersions(name);
        cli.print({ versions }, versions, VERSION_COLUMNS);
      }),
    );

  schedulers
    .command('info')
    .description("a game's schedulers with their rooms by status")
    .requiredOption('--game <game>', 'the game')
    .action(
      cli.run(async (options: { game: string }) => {
        const infos = await cli.client().getSchedulersInfo(options.game);
        cli.print({ schedulers: infos }, infos, INFO_COLUMNS);
      }),
    );

  schedulers
    .command('diff')
    .description('what apply would change: the diff against the active version, minor or major')
    .requiredOption('-f, --file <file>', 'a scheduler in YAML or JSON (Maestro shape); - for stdin')
    .option('--exit-code', 'exit 1 when there are changes (like git diff)')
    .action(
      cli.run(async (options: { file: string; exitCode?: boolean }) => {
        const plan = await planFile(cli, options.file);
        describePlan(cli, plan);
        return options.exitCode && plan.action !== 'unchanged' ? ExitCode.FAILED : ExitCode.OK;
      }),
    );

  schedulers
    .command('apply')
    .description(
      'create the scheduler when missing, else a new version when the file changes it (idempotent)',
    )
    .requiredOption('-f, --file <file>', 'a scheduler in YAML or JSON (Maestro shape); - for stdin')
    .option('--dry-run', 'show the diff and the version it would make, change nothing')
    .option('--wait', WAIT_HELP)
    .option('--timeout <duration>', TIMEOUT_HELP, '10m')
    .action(
      cli.run(
        async (options: { file: string; dryRun?: boolean; wait?: boolean; timeout: string }) => {
          const timeoutMs = parseDuration(options.timeout, '--timeout');
          const plan = await planFile(cli, options.file);
          describePlan(cli, plan);
          if (options.dryRun || plan.action === 'unchanged') return ExitCode.OK;
          return applyPlan(cli, plan, options.wait ? timeoutMs : undefined);
        },
      ),
    );

  schedulers
    .command('switch <name> <version>')
    .description('make <version> the active one (a major version rolls the rooms over)')
    .option('--wait', WAIT_HELP)
    .option('--timeout <duration>', TIMEOUT_HELP, '10m')
    .action(
      cli.run(
        async (name: string, version: string, options: { wait?: boolean; timeout: string }) => {
          const timeoutMs = parseDuration(options.timeout, '--timeout');
          const scheduler = options.wait ? await cli.client().getScheduler(name) : undefined;
          const since = new Date();
          const { operationId } = await cli.client().switchActiveVersion(name, version);
          cli.io.out(operationId);
          if (!scheduler) return ExitCode.OK;
          return waitFor(cli, scheduler, [operationId], since, timeoutMs);
        },
      ),
    );

  schedulers
    .command('delete <name>')
    .description('delete the scheduler, its rooms and versions (queues delete_scheduler)')
    .option('--wait', DELETE_WAIT_HELP)
    .option('--timeout <duration>', TIMEOUT_HELP, '10m')
    .action(
      cli.run(async (name: string, options: { wait?: boolean; timeout: string }) => {
        const timeoutMs = parseDuration(options.timeout, '--timeout');
        const scheduler = options.wait ? await cli.client().getScheduler(name) : undefined;
        const { operationId } = await cli.client().deleteScheduler(name);
        cli.io.out(operationId);
        if (!scheduler) return ExitCode.OK;
        return waitFor(cli, scheduler, [operationId], undefined, timeoutMs, true);
      }),
    );
}

async function planFile(cli: CliContext, file: string): Promise<SchedulerPlan> {
  const definition = readDefinitionFile(file, cli.stdin);
  const name = typeof definition['name'] === 'string' ? definition['name'] : '';
  const client = cli.client();
  const current = name ? await client.findScheduler(name) : undefined;
  const versions = current ? (await client.getSchedulerVersions(name)).map((v) => v.version) : [];
  return planScheduler(definition, current, versions);
}

/** The plan on stderr, the diff included: stdout keeps only results (operation ids). */
function describePlan(cli: CliContext, plan: SchedulerPlan): void {
  switch (plan.action) {
    case 'unchanged':
      cli.io.err(`unchanged: the file matches the active version ${plan.activeVersion}`);
      return;
    case 'create':
      cli.io.err(`${plan.diff}\nwill create scheduler ${plan.definition.name} at v1.0.0`);
      return;
    case 'new-version':
      cli.io.err(
        `${plan.diff}\nwill make ${plan.isMajor ? 'a major' : 'a minor'} version: ${plan.activeVersion} → ${plan.nextVersion}` +
          (plan.isMajor ? ' (a rolling update replaces the rooms; occupied rooms are kept)' : ''),
      );
  }
}

async function applyPlan(
  cli: CliContext,
  plan: Exclude<SchedulerPlan, { action: 'unchanged' }>,
  waitMs: number | undefined,
): Promise<number> {
  const client = cli.client();
  const since = new Date();
  if (plan.action === 'create') {
    const scheduler = await client.createScheduler(plan.definition);
    cli.io.err(`created scheduler ${scheduler.name} (${scheduler.spec.version})`);
    if (waitMs === undefined) return ExitCode.OK;
    // Its create_scheduler operation, and what follows, are found among those created since.
    return waitFor(cli, scheduler, [], since, waitMs);
  }
  const { operationId } = await client.newSchedulerVersion(plan.definition);
  cli.io.out(operationId);
  if (waitMs === undefined) return ExitCode.OK;
  return waitFor(cli, plan.definition, [operationId], since, waitMs);
}

async function waitFor(
  cli: CliContext,
  scheduler: { name: string; game: string },
  ids: readonly string[],
  since: Date | undefined,
  timeoutMs: number,
  isDeletion = false,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  const result = await watchOperations(cli.client(), scheduler, ids, cli.io, {
    followUpsSince: since,
    timeoutMs,
    isDeletion,
  });
  if (result.isTimedOut) cli.io.err(`still running after ${timeoutMs / 1000} s (--timeout)`);
  const failed = result.operations.filter((o) =>
    ['error', 'canceled', 'evicted'].includes(o.status),
  );
  for (const operation of failed) {
    cli.io.err(`${operation.definitionName} ${operation.id} ended ${operation.status}`);
  }
  if (!result.isSuccess) return ExitCode.FAILED;
  if (isDeletion) return ExitCode.OK;
  // The operations are done; a rolling update, and new rooms becoming ready, take longer.
  if (await watchRollout(cli.client(), scheduler.name, cli.io, { deadline })) return ExitCode.OK;
  cli.io.err(`rooms still rolling out after ${timeoutMs / 1000} s (--timeout)`);
  return ExitCode.FAILED;
}
