/** Choosing scheduler names by where their keys land in a Redis Cluster. */
import { schedulerKeys } from '../../src/adapters/redis/room-codec';
import {
  withNode,
  type RedisClusterNode,
  type RunningRedisCluster,
} from '../../scripts/local-infra/redis-cluster';

/** A scheduler name and the master its keys live on. */
export interface PlacedScheduler {
  scheduler: string;
  master: RedisClusterNode;
}

/**
 * `perMaster` scheduler names (`<base>-<n>`) for every master of the cluster, found by asking
 * the cluster which slot each name's status key hashes to and which master serves it.
 */
export async function schedulersOnEveryMaster(
  cluster: RunningRedisCluster,
  base: string,
  perMaster: number,
): Promise<PlacedScheduler[]> {
  const masters = new Set<number>();
  const placed: PlacedScheduler[] = [];
  const port = await liveNodePort(cluster);
  for (let n = 0; n < 1_000 && placed.length < 3 * perMaster; n++) {
    const scheduler = `${base}-${n}`;
    const slot = await withNode(port, (redis) =>
      redis.cluster('KEYSLOT', schedulerKeys(scheduler).status),
    );
    const master = await cluster.masterOfSlot(Number(slot));
    if (placed.filter((p) => p.master.port === master.port).length >= perMaster) continue;
    masters.add(master.port);
    placed.push({ scheduler, master });
  }
  if (masters.size < 3) throw new Error(`schedulers landed on ${masters.size} masters only`);
  return placed;
}

/** A node that answers (a test may have killed some). */
async function liveNodePort(cluster: RunningRedisCluster): Promise<number> {
  for (const node of cluster.nodes) {
    if (await withNode(node.port, (redis) => redis.ping()).catch(() => false)) return node.port;
  }
  throw new Error('no cluster node answers');
}
