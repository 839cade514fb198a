/**
 * A Redis Cluster master SIGKILLed while rooms of six schedulers (two per master) ping the real
 * Rooms API over HTTP; its replica is promoted after cluster-node-timeout. What rooms see: 503
 * UNAVAILABLE naming Redis while their slot has no master (never a 500, never a hang), success
 * again afterwards, every room still there, allocation without duplicates. What asynchronous
 * replication costs is measured, not assumed (see failover-run.ts: witness rooms).
 */
import os from 'node:os';
import path from 'node:path';
import {
  startRedisCluster,
  withNode,
  type RunningRedisCluster,
} from '../../scripts/local-infra/redis-cluster';
import { schedulerKeys } from '../../src/adapters/redis/room-codec';
import { schedulersOnEveryMaster } from '../support/cluster-slots';
import {
  expectEveryRoomAndAllocation,
  expectOnlyAcksOrRedisUnavailable,
} from '../support/failover-expectations';
import { runFailoverDrill, summary } from '../support/failover-run';
import { uniqueSuffix } from '../support/infra';
import { startRoomsApi, type RoomsApiHarness } from '../support/rooms-api-server';
import { eventually } from '../support/runtime-contract';

const NODE_TIMEOUT_MS = 1_000;
const PING_BOUND_MS = 8_000;

describe('a Redis Cluster master killed while rooms ping', () => {
  let cluster: RunningRedisCluster;
  let api: RoomsApiHarness;

  beforeAll(async () => {
    const dir = path.join(os.tmpdir(), `maestro-redis-failover-${uniqueSuffix()}`);
    cluster = await startRedisCluster({ dir, nodeTimeoutMs: NODE_TIMEOUT_MS });
    api = await startRoomsApi({ redis: { mode: 'cluster', nodes: cluster.seeds } });
  });

  afterAll(async () => {
    await api?.close();
    await cluster?.stop();
  });

  it('refuses with 503 naming Redis or holds the pings while the replica takes over, then serves every room again and allocates without duplicates', async () => {
    const placed = await schedulersOnEveryMaster(cluster, `drill-${uniqueSuffix()}`, 2);
    const victim = placed[0]!.master;
    const moved = new Set(placed.filter((p) => p.master === victim).map((p) => p.scheduler));

    const report = await runFailoverDrill(api, {
      schedulers: placed.map((p) => p.scheduler),
      isMoved: (scheduler) => moved.has(scheduler),
      failOver: () => victim.process.kill(),
      boundMs: PING_BOUND_MS,
    });
    process.stderr.write(`${JSON.stringify({ redisClusterFailover: summary(report) })}\n`);

    expectOnlyAcksOrRedisUnavailable(report, PING_BOUND_MS);
    // The kill was felt: no replica answers for the dead master's slots before NODE_TIMEOUT_MS has
    // passed, so the pings sent right after it were refused, or held until the promotion (the
    // cluster client queues them while it finds the new master; which of the two depends on timing).
    const longestMovedPingMs = Math.max(
      ...report.records.filter((r) => moved.has(r.room.scheduler)).map((r) => r.latencyMs),
    );
    expect(report.refusedMoved.length > 0 || longestMovedPingMs >= NODE_TIMEOUT_MS).toBe(true);
    // The other masters keep serving (cluster-require-full-coverage no).
    expect(report.refusedOthers).toEqual([]);
    expect(report.errorWindowMs).toBeLessThan(15_000);
    expectEveryRoomAndAllocation(report);
  });

  it('loses no acknowledged ping when a master is handed to its replica on purpose (CLUSTER FAILOVER)', async () => {
    const placed = await schedulersOnEveryMaster(cluster, `planned-${uniqueSuffix()}`, 2);
    const candidates = await Promise.all(
      placed.map(async (p) => ({ ...p, replica: await cluster.replicaOf(p.master) })),
    );
    const handover = candidates.find((c) => c.replica !== undefined)!;
    const moved = new Set(
      placed.filter((p) => p.master === handover.master).map((p) => p.scheduler),
    );

    const report = await runFailoverDrill(api, {
      schedulers: placed.map((p) => p.scheduler),
      isMoved: (scheduler) => moved.has(scheduler),
      failOver: () => handOver(handover.replica!.port),
      boundMs: PING_BOUND_MS,
    });
    process.stderr.write(`${JSON.stringify({ redisClusterPlannedFailover: summary(report) })}\n`);

    const replica = handover.replica!;
    const slot = await withNode(replica.port, (node) =>
      node.cluster('KEYSLOT', schedulerKeys(handover.scheduler).status),
    );
    expect(await cluster.masterOfSlot(Number(slot))).toBe(replica);
    expectOnlyAcksOrRedisUnavailable(report, PING_BOUND_MS);
    expect(report.refusedOthers).toEqual([]);
    expect(report.lost).toEqual([]);
    expectEveryRoomAndAllocation(report);
  });
});

/** CLUSTER FAILOVER on a replica, resolved once it has become the master of its slots. */
async function handOver(replicaPort: number): Promise<void> {
  await withNode(replicaPort, (node) => node.cluster('FAILOVER'));
  await eventually(async () => {
    const replication = await withNode(replicaPort, (node) => node.info('replication'));
    expect(replication).toContain('role:master');
  }, 10_000);
}
