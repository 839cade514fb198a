import { randomBytes, randomUUID } from 'node:crypto';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { dataConverterOf } from '../../src/adapters/temporal/payload-data-converter';
import { WORKFLOW_FAILURE_CONVERTER } from '../../src/adapters/temporal/workflow-bundle';
import { historyBytes, isSealed, rawHistory } from '../support/raw-history';
import { sharedInfra, uniqueSuffix } from '../support/infra';
import { unwrappedFailureWorkflow } from '../support/workflows/unwrapped-failure';

/**
 * With payload keys, failure messages and stack traces are sealed like payloads: an activity's
 * failure, and a workflow's that fails with it, reach Temporal's storage without the message (a
 * runtime's error text may quote a value), and read back whole through maestro's data converter.
 */
describe('failure messages with payload encryption on', () => {
  const infra = sharedInfra();
  const suffix = uniqueSuffix();
  const SECRET = `token-${randomUUID()}`;
  const dataConverter = dataConverterOf({
    keys: [{ id: 'k1', key: randomBytes(32) }],
    activeKeyId: 'k1',
    codecCorsOrigins: [],
  });
  let connection: Connection;
  let workerConnection: NativeConnection;

  beforeAll(async () => {
    connection = await Connection.connect({ address: infra.temporalAddress });
    workerConnection = await NativeConnection.connect({ address: infra.temporalAddress });
  });
  afterAll(async () => {
    await Promise.all([connection.close(), workerConnection.close()]);
  });

  it('keeps them out of the history, and gives them back to a client with the keys', async () => {
    const taskQueue = `it-sealed-failures-${suffix}`;
    const workflowId = `it-sealed-failure-${suffix}`;
    // The workflow bundle made as maestro makes its own: with its failure converter.
    const { code } = await bundleWorkflowCode({
      workflowsPath: require.resolve('../support/workflows/unwrapped-failure'),
      failureConverterPath: WORKFLOW_FAILURE_CONVERTER,
    });
    const worker = await Worker.create({
      connection: workerConnection,
      taskQueue,
      workflowBundle: { code },
      activities: {
        failWithSecret: () =>
          Promise.reject(ApplicationFailure.nonRetryable(`runtime refused ${SECRET}`, 'Refused')),
      },
      ...(dataConverter && { dataConverter }),
    });
    const client = new Client({ connection, ...(dataConverter && { dataConverter }) });

    const outcome = await worker
      .runUntil(client.workflow.execute(unwrappedFailureWorkflow, { taskQueue, workflowId }))
      .catch((error: unknown) => error);

    expect(outcome).toBeInstanceOf(WorkflowFailedError);
    expect((outcome as WorkflowFailedError).cause?.message).toBe(`runtime refused ${SECRET}`);
    const events = await rawHistory(client, 'default', workflowId);
    expect(historyBytes(events).includes(SECRET)).toBe(false);
    const failures = events.flatMap((event) => [
      event.activityTaskFailedEventAttributes?.failure,
      event.workflowExecutionFailedEventAttributes?.failure,
    ]);
    const [activityFailure, workflowFailure] = failures.filter((failure) => failure);
    for (const failure of [activityFailure, workflowFailure]) {
      expect(failure?.message).toBe('Encoded failure');
      expect(isSealed(failure!.encodedAttributes!)).toBe(true);
    }
  }, 120_000);
});
