import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Activities } from '../../activities';
import { createOperationActivities } from '../../activities/operation-activities';
import { operationMetricsSinks } from '../../src/adapters/temporal/operation-metrics-sinks';
import { TemporalOperationOutcomes } from '../../src/adapters/temporal/temporal-operation-outcomes';
import type { OperationDetails } from '../../src/domain/operations/operation';
import { maestroSearchAttributes } from '../../workflows/search-attributes';
import { schedulerWorkflowId } from '../../workflows/messages';
import { temporalBinary } from '../../scripts/local-infra/paths';
import type {
  operationWorkflow,
  SchedulerSignals,
  schedulerStandInWorkflow,
} from './workflows/operation-executors';
import { schedulerSignalsQuery } from './workflows/operation-executors';
import { RecordingOperationMetrics } from './recording-operation-metrics';

/** The activities operation executors call; a test stubs those its operation reaches. */
export type OperationActivities = Pick<
  Activities,
  | 'createRooms'
  | 'deleteRooms'
  | 'pickRoomsToRemove'
  | 'awaitRoomReady'
  | 'createSchedulerSpace'
  | 'deleteScheduler'
  | 'switchActiveVersion'
  | 'setSchedulerState'
  | 'prepareSchedulerVersion'
  | 'saveSchedulerVersion'
  | 'planHealthActions'
>;

const ACTIVITY_NAMES: Array<keyof OperationActivities> = [
  'createRooms',
  'deleteRooms',
  'pickRoomsToRemove',
  'awaitRoomReady',
  'createSchedulerSpace',
  'deleteScheduler',
  'switchActiveVersion',
  'setSchedulerState',
  'prepareSchedulerVersion',
  'saveSchedulerVersion',
  'planHealthActions',
];

/** One activity call the operation made, in order. */
export interface ActivityCall {
  name: keyof OperationActivities;
  input: unknown;
}

export interface OperationRun {
  details: OperationDetails;
  calls: ActivityCall[];
  /** What the scheduler workflow was told: follow-up operations and the finish. */
  signals: SchedulerSignals;
  /** What the operation reported through its metrics sink (this run's operation only). */
  metrics: RecordingOperationMetrics['calls'];
}

/**
 * Runs operation workflows on a local Temporal dev server (the provisioned binary) with stubbed
 * activities: the executors' steps, follow-ups, rollbacks and input checks in seconds, without
 * PostgreSQL, Redis or a runtime. The integration tests run the same operations on real services.
 */
export class OperationExecutorHarness {
  private running: Promise<void> | undefined;

  private constructor(
    private readonly env: TestWorkflowEnvironment,
    private readonly worker: Worker,
    private readonly taskQueue: string,
    private readonly activities: StubbedActivities,
    private readonly metrics: RecordingOperationMetrics,
  ) {}

  static async start(): Promise<OperationExecutorHarness> {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    const env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'existing-path', path: temporalBinary() },
        searchAttributes: [...maestroSearchAttributes],
      },
    });
    const taskQueue = `operation-executors-${randomUUID()}`;
    const activities = new StubbedActivities();
    const metrics = new RecordingOperationMetrics();
    const worker = await Worker.create({
      sinks: operationMetricsSinks(metrics),
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: require.resolve('./workflows/operation-executors'),
      activities: {
        ...activities.registered(),
        // The final status reaches the stand-in scheduler as in production: a client signal.
        ...createOperationActivities({ outcomes: new TemporalOperationOutcomes(env.client) }),
      },
    });
    const harness = new OperationExecutorHarness(env, worker, taskQueue, activities, metrics);
    harness.running = worker.run();
    return harness;
  }

  /** Runs one operation of `definitionName` with `input` and the given activity stubs. */
  async run(
    definitionName: string,
    input: Record<string, unknown>,
    stubs: Partial<OperationActivities>,
  ): Promise<OperationRun> {
    const calls = this.activities.expect(stubs);
    const schedulerName = `executor-${randomUUID().slice(0, 8)}`;
    const client = this.env.client.workflow;
    const scheduler = await client.start<typeof schedulerStandInWorkflow>(
      'schedulerStandInWorkflow',
      { workflowId: schedulerWorkflowId(schedulerName), taskQueue: this.taskQueue },
    );
    const id = randomUUID();
    const details = await client.execute<typeof operationWorkflow>('operationWorkflow', {
      workflowId: id,
      taskQueue: this.taskQueue,
      args: [
        {
          id,
          definitionName,
          input,
          createdAt: new Date().toISOString(),
          schedulerName,
          startImmediately: true,
        },
      ],
    });
    const signals = await scheduler.query(schedulerSignalsQuery);
    await scheduler.terminate();
    const metrics = this.metrics.calls.filter(
      ({ event }) => (event as { scheduler?: string }).scheduler === schedulerName,
    );
    return { details, calls, signals, metrics };
  }

  async stop(): Promise<void> {
    this.worker.shutdown();
    await this.running;
    await this.env.teardown();
  }
}

/** The worker's activities: each records its call and runs the current test's stub. */
class StubbedActivities {
  private stubs: Partial<OperationActivities> = {};
  private calls: ActivityCall[] = [];

  /** Sets the stubs of the next run; returns the list its calls are recorded in. */
  expect(stubs: Partial<OperationActivities>): ActivityCall[] {
    this.stubs = stubs;
    this.calls = [];
    return this.calls;
  }

  registered(): Record<string, (input: unknown) => Promise<unknown>> {
    return Object.fromEntries(
      ACTIVITY_NAMES.map((name) => [name, (input: unknown) => this.call(name, input)]),
    );
  }

  private async call(name: keyof OperationActivities, input: unknown): Promise<unknown> {
    this.calls.push({ name, input });
    const stub = this.stubs[name] as ((input: unknown) => Promise<unknown>) | undefined;
    if (!stub)
      throw ApplicationFailure.nonRetryable(`activity ${name} was not stubbed`, 'INTERNAL');
    return stub(input);
  }
}
