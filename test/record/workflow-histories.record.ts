import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { binDir } from '../../scripts/local-infra/paths';
import { operationDefinitionKey } from '../../workflows/search-attributes';
import { sharedInfra } from '../support/infra';
import { OperationsHarness } from '../support/operations-harness';
import { eventually } from '../support/runtime-contract';
import { FIXTURES_DIR } from '../support/workflow-history-fixtures';

/**
 * Records the histories of every workflow of maestro's life cycle (`npm run record:histories`):
 * a scheduler created, scaled by its health controller, given rooms and relieved of some, moved to
 * a minor and a major version (validation room, rolling update), a failed switch rolled back, a
 * pending and a running operation canceled, deleted; its scheduler workflow across
 * continue-as-new, its operations, its runtime watcher and metrics reporter. The unit test
 * `workflow-replay` replays them on the current workflow code, so a change that would break the
 * workflows running in production fails before it is deployed (see docs/development.md).
 */
describe('recording workflow histories', () => {
  const harness = new OperationsHarness();
  const lifeCycle = `life-${harness.suffix}`;
  const canceled = `cancel-${harness.suffix}`;
  const recording = path.join(
    FIXTURES_DIR,
    `${new Date().toISOString().slice(0, 10)}-${gitRevision()}`,
  );

  beforeAll(() => harness.start({ healthControllerIntervalMs: 2_000 }));
  afterAll(() => harness.stop());

  it('records a scheduler life cycle', async () => {
    await harness.commands.createScheduler(harness.schedulerInput(lifeCycle, { roomsReplicas: 2 }));
    await eventually(async () => expect(await readyRooms(lifeCycle)).toHaveLength(2), 60_000);

    await finished(lifeCycle, await harness.queue.enqueue(lifeCycle, 'add_rooms', { amount: 2 }));
    const [first] = await harness.rooms.listRooms(lifeCycle);
    await finished(
      lifeCycle,
      await harness.queue.enqueue(lifeCycle, 'remove_rooms', {
        amount: 0,
        rooms_ids: [first!.id],
        reason: 'fixture',
      }),
    );
    await finished(
      lifeCycle,
      await harness.commands.newSchedulerVersion(
        lifeCycle,
        harness.schedulerInput(lifeCycle, { roomsReplicas: 3 }),
      ),
    );
    await activeVersion(lifeCycle, 'v1.1.0');
    const major = harness.schedulerInput(lifeCycle, { roomsReplicas: 3 });
    major.spec.containers[0]!.environment.push({ name: 'NEW_SETTING', value: 'on' });
    await finished(lifeCycle, await harness.commands.newSchedulerVersion(lifeCycle, major));
    await activeVersion(lifeCycle, 'v2.0.0');
    await eventually(async () => {
      const rooms = await readyRooms(lifeCycle);
      expect(rooms.map((room) => room.version)).toEqual(['v2.0.0', 'v2.0.0', 'v2.0.0']);
    }, 90_000);
    const failing = await harness.commands.switchActiveVersion(lifeCycle, 'v9.0.0');
    await harness.waitForOperation(lifeCycle, failing, 'error');

    const slow = await harness.queue.enqueue(lifeCycle, 'add_rooms', { amount: 10 });
    const pending = await harness.queue.enqueue(lifeCycle, 'add_rooms', { amount: 7 });
    await harness.operations.cancel(lifeCycle, pending);
    await harness.waitForOperation(lifeCycle, pending, 'canceled');
    await finished(lifeCycle, slow);

    await finished(lifeCycle, await harness.commands.deleteScheduler(lifeCycle));
    await eventually(async () => {
      const executions = await executionsOf(lifeCycle);
      expect(executions.filter((e) => e.status.name === 'RUNNING')).toEqual([]);
    }, 60_000);

    await record('life-cycle', lifeCycle);
  });

  it('records a running operation canceled with the Temporal CLI', async () => {
    const sample = harness.schedulerInput(canceled);
    await harness.commands.createScheduler(
      harness.schedulerInput(canceled, {
        spec: {
          ...sample.spec,
          terminationGracePeriodMs: 8_000,
          containers: [
            {
              ...sample.spec.containers[0]!,
              command: ['sh', '-c', 'trap "" TERM; exec sleep 300'],
            },
          ],
        },
      }),
    );
    await finished(canceled, await harness.queue.enqueue(canceled, 'add_rooms', { amount: 1 }));
    const deletion = await harness.commands.deleteScheduler(canceled);
    await harness.waitForOperation(canceled, deletion, 'in_progress');
    temporal('workflow', 'cancel', '--workflow-id', deletion);
    await harness.waitForOperation(canceled, deletion, 'canceled');

    await record('canceled-deletion', canceled);
    await harness.runtime.deleteSchedulerSpace(canceled);
  });

  async function finished(scheduler: string, operationId: string) {
    await harness.waitForOperation(scheduler, operationId, 'finished', 90_000);
  }

  /** The version is active and no version operation is queued or running any more. */
  async function activeVersion(scheduler: string, version: string) {
    await eventually(async () => {
      expect((await harness.schedulers.getScheduler(scheduler))?.spec.version).toBe(version);
      for (const stage of ['pending', 'active']) {
        const listed = await harness.operations.list({ schedulerName: scheduler, stage });
        expect(listed.operations.map((operation) => operation.definitionName)).not.toContain(
          'switch_active_version',
        );
      }
    }, 60_000);
  }

  async function readyRooms(scheduler: string) {
    return (await harness.rooms.listRooms(scheduler)).filter((room) => room.status === 'ready');
  }

  async function executionsOf(scheduler: string) {
    const executions = [];
    for await (const execution of harness.client.workflow.list({
      query: `MaestroScheduler = "${scheduler}"`,
    })) {
      executions.push(execution);
    }
    return executions.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
  }

  /** One file per run: `<scenario>--<workflow type>[--<operation>]--<n>.json`. */
  async function record(scenario: string, scheduler: string) {
    mkdirSync(recording, { recursive: true });
    const executions = await executionsOf(scheduler);
    expect(executions.length).toBeGreaterThan(3);
    const seen = new Map<string, number>();
    for (const execution of executions) {
      const operation = execution.typedSearchAttributes.get(operationDefinitionKey);
      const kind = [scenario, execution.type, ...(operation ? [String(operation)] : [])].join('--');
      const n = (seen.get(kind) ?? 0) + 1;
      seen.set(kind, n);
      // As a user exports a history for replay: `temporal workflow show --output json`.
      const history = temporal(
        'workflow',
        'show',
        '--workflow-id',
        execution.workflowId,
        '--run-id',
        execution.runId,
        '--output',
        'json',
      );
      writeFileSync(path.join(recording, `${kind}--${n}.json`), history);
    }
  }
});

/** The Temporal CLI, on the run's server. */
function temporal(...args: string[]): string {
  return execFileSync(
    path.join(binDir, 'temporal'),
    [...args, '--address', sharedInfra().temporalAddress],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
}

function gitRevision(): string {
  return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
}
