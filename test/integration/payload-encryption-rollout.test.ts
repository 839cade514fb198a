import { randomBytes } from 'node:crypto';
import { Client } from '@temporalio/client';
import pino from 'pino';
import { dataConverterOf } from '../../src/adapters/temporal/payload-data-converter';
import { TemporalOperationQueue } from '../../src/adapters/temporal/temporal-operation-queue';
import { loadConfig } from '../../src/config/load';
import { operationQueueConfig } from '../../src/main/infra/resources';
import { startSystem } from '../../src/main/system';
import { OperationsHarness } from '../support/operations-harness';
import { isSealed, payloadsOf, rawHistory } from '../support/raw-history';
import { eventually } from '../support/runtime-contract';

const log = pino({ level: 'silent' });

/**
 * Turning encryption on in a running deployment: a scheduler whose workflow started with plain
 * payloads keeps running its operations once every process restarts with payload keys, and its
 * history then holds plain and sealed payloads side by side.
 */
describe('payload encryption turned on for running schedulers', () => {
  const harness = new OperationsHarness();
  const scheduler = `rollout-${harness.suffix}`;

  beforeAll(() => harness.start());
  afterAll(() => harness.stop());

  it('runs operations of a scheduler started in plain text after the keys are configured', async () => {
    await harness.commands.createScheduler(harness.schedulerInput(scheduler));
    const before = await harness.queue.enqueue(scheduler, 'add_rooms', { amount: 1 });
    await harness.waitForOperation(scheduler, before, 'finished');

    await harness.system?.stop();
    const keyed = loadConfig({
      ...harness.maestroEnvironment(),
      MAESTRO_PAYLOAD_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    });
    harness.system = startSystem(
      ['worker', 'runtime-watcher', 'metrics-reporter', 'rooms-api'],
      keyed,
      log,
      (error) => harness.failures.push(error),
    );
    await harness.system.started;
    // The API restarted with the keys too: its client seals and opens as the workers do.
    const dataConverter = dataConverterOf(keyed.temporal.payloadEncryption);
    const client = new Client({ connection: harness.client.connection, dataConverter });
    const queue = new TemporalOperationQueue(client, operationQueueConfig(keyed));
    const after = await queue.enqueue(scheduler, 'add_rooms', { amount: 1 });
    await eventually(
      async () => expect((await queue.get(scheduler, after))?.status).toBe('finished'),
      120_000,
      250,
    );

    const events = await rawHistory(harness.client, 'default', `scheduler:${scheduler}`);
    const payloads = payloadsOf(events).map(({ payload }) => payload);
    expect(payloads.some(isSealed)).toBe(true);
    expect(payloads.some((payload) => !isSealed(payload))).toBe(true);
    const operation = await rawHistory(harness.client, 'default', after);
    expect(payloadsOf(operation).some(({ payload }) => isSealed(payload))).toBe(true);
    expect(harness.failures).toEqual([]);
  }, 240_000);
});
