/**
 * Time to re-home supervisors after a SIGKILL (issue #12: ≤ 30 s without breaking the idle
 * budget). A Temporal dev server, PostgreSQL and Redis of its own, the operation worker in this
 * process, and two `maestro start runtime-watcher metrics-reporter` processes supervising
 * BENCH_SCHEDULERS schedulers with the production heartbeat timeout (5 minutes) and lease TTL.
 * Each round SIGKILLs the process that holds the supervisors and measures, on the survivor's
 * /metrics, how long until it runs every watcher and every reporter; a fresh process then joins
 * for the next round. Run: npm run bench:scale-out
 */
import { loadConfig } from '../../src/config/load';
import { gaugeOf, MaestroFleet, type FleetProcess } from '../../test/support/maestro-fleet';
import { commandLine, machineInfo, round, setting, sleep, writeResult } from '../support/results';
import { benchScheduler, percentile, startStack } from '../support/stack';

const SCHEDULERS = setting('BENCH_SCHEDULERS', 20);
const ROUNDS = setting('BENCH_ROUNDS', 5);
const DEFAULTS = loadConfig({});

async function supervised(member: FleetProcess) {
  const sample = (module: 'runtime-watcher' | 'metrics-reporter') =>
    gaugeOf(member, module, `maestro_supervised_schedulers{module="${module}"}`).catch(() => 0);
  return { watchers: await sample('runtime-watcher'), reporters: await sample('metrics-reporter') };
}

async function until(isDone: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await isDone())) {
    if (Date.now() > deadline) throw new Error(`not done within ${timeoutMs} ms`);
    await sleep(100);
  }
}

async function main() {
  const machine = machineInfo();
  const stack = await startStack({ healthControllerIntervalMs: 3_600_000, modules: ['worker'] });
  const fleet = new MaestroFleet({ ...stack.environment, MAESTRO_LOG_LEVEL: 'error' });
  try {
    const modules = ['runtime-watcher', 'metrics-reporter'] as const;
    let members = await Promise.all([fleet.start(modules), fleet.start(modules)]);
    for (let i = 0; i < SCHEDULERS; i++)
      await stack.commands.createScheduler(benchScheduler(`s${i}`));
    const rehomeMs: number[] = [];
    for (let round_ = 0; round_ < ROUNDS; round_++) {
      const holds = async () => Promise.all(members.map(supervised));
      await until(async () => {
        const [a, b] = await holds();
        return (
          a!.watchers + b!.watchers === SCHEDULERS && a!.reporters + b!.reporters === SCHEDULERS
        );
      }, 120_000);
      const counts = await holds();
      const victim =
        counts[0]!.watchers + counts[0]!.reporters >= counts[1]!.watchers + counts[1]!.reporters
          ? 0
          : 1;
      const survivor = members[1 - victim]!;
      const killedAt = Date.now();
      await fleet.kill(members[victim]!);
      await until(async () => {
        const held = await supervised(survivor);
        return held.watchers === SCHEDULERS && held.reporters === SCHEDULERS;
      }, 600_000);
      rehomeMs.push(Date.now() - killedAt);
      console.log(
        `round ${round_ + 1}: ${counts[victim]!.watchers} watchers and ${counts[victim]!.reporters} reporters re-homed in ${rehomeMs.at(-1)} ms`,
      );
      members = [survivor, await fleet.start(modules)];
    }
    const sorted = [...rehomeMs].sort((a, b) => a - b);
    writeResult('supervisor-rehome', {
      benchmark:
        'Time from SIGKILL of a supervisor process to every supervisor running on its peer',
      command: 'npm run bench:scale-out',
      exactCommand: commandLine(),
      machine,
      schedulers: SCHEDULERS,
      rounds: ROUNDS,
      leaseTtlMs: DEFAULTS.supervision.leaseTtlMs,
      supervisionHeartbeatTimeoutMs: DEFAULTS.operations.supervisionHeartbeatTimeoutMs,
      rehomeMs: { p50: percentile(sorted, 50), max: sorted.at(-1), all: rehomeMs },
      rehomeSecondsP50: round(percentile(sorted, 50) / 1000, 1),
      note: 'before per-process leases, re-homing waited for the heartbeat timeout (300 s)',
    });
  } finally {
    await fleet.stop();
    await stack.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
