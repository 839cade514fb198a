import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { Redis } from 'ioredis';
import type { Pool } from 'pg';
import pino from 'pino';
import { createPostgresPool } from '../../src/adapters/postgres/pool';
import { createRedisClient, type RedisClient } from '../../src/adapters/redis/client';
import { schedulerNameKey } from '../../workflows/search-attributes';
import { createTestDatabase, sharedInfra, uniqueSuffix } from '../support/infra';
import { createRoundTripActivities } from '../support/round-trip-activities';
import { roundTripWorkflow } from '../support/workflows/round-trip';

const log = pino({ level: 'silent' });

describe('the Temporal → activity → PostgreSQL and Redis chain', () => {
  const infra = sharedInfra();
  const suffix = uniqueSuffix();
  const keyPrefix = `it-${suffix}:`;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: Pool;
  let redis: RedisClient;
  let connection: Connection;
  let workerConnection: NativeConnection;

  beforeAll(async () => {
    database = await createTestDatabase();
    pool = createPostgresPool({ url: database.url, poolSize: 2 }, log);
    redis = createRedisClient({ url: infra.redisUrl, keyPrefix }, log);
    await new Promise((resolve) => redis.once('ready', resolve));
    connection = await Connection.connect({ address: infra.temporalAddress });
    workerConnection = await NativeConnection.connect({ address: infra.temporalAddress });
  });

  afterAll(async () => {
    await Promise.all([pool.end(), redis.quit(), connection.close(), workerConnection.close()]);
    await database.drop();
  });

  it('returns what the activity wrote to PostgreSQL and Redis when a workflow runs on the real server', async () => {
    const taskQueue = `it-chain-${suffix}`;
    const scheduler = `chain-${suffix}`;
    const worker = await Worker.create({
      connection: workerConnection,
      taskQueue,
      workflowsPath: require.resolve('../support/workflows/round-trip'),
      activities: createRoundTripActivities({ pool, redis }),
    });
    const client = new Client({ connection });

    const result = await worker.runUntil(
      client.workflow.execute(roundTripWorkflow, {
        taskQueue,
        workflowId: `it-chain-${suffix}`,
        args: [{ scheduler, game: 'tennis' }],
        typedSearchAttributes: [{ key: schedulerNameKey, value: scheduler }],
      }),
    );

    expect(result.postgres).toEqual({
      name: scheduler,
      game: 'tennis',
      activeVersion: 'v1.0.0',
      definition: { roomsReplicas: 2 },
    });
    expect(result.redis).toEqual({ game: 'tennis', version: 'v1.0.0' });
    const stored = await pool.query('SELECT game FROM schedulers WHERE name = $1', [scheduler]);
    expect(stored.rows).toEqual([{ game: 'tennis' }]);
    const raw = new Redis(infra.redisUrl);
    try {
      expect(await raw.hget(`${keyPrefix}scheduler:${scheduler}:round-trip`, 'game')).toBe(
        'tennis',
      );
    } finally {
      raw.disconnect();
    }
  });

  it('finds the workflow by the maestro search attribute when visibility is queried', async () => {
    const client = new Client({ connection });
    const scheduler = `chain-${suffix}`;
    const query = `MaestroScheduler = "${scheduler}"`;

    const ids = await eventually(async () => {
      const found: string[] = [];
      for await (const execution of client.workflow.list({ query }))
        found.push(execution.workflowId);
      if (found.length === 0) throw new Error('not visible yet');
      return found;
    });

    expect(ids).toEqual([`it-chain-${suffix}`]);
  });
});

async function eventually<T>(probe: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await probe();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
