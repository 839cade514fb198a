/** The behaviour of RedisPortAllocator, shared by the standalone and the cluster suites. */
import type { RedisClient } from '../../src/adapters/redis/client';
import { RedisPortAllocator } from '../../src/adapters/redis/redis-port-allocator';
import type { RedisConnection } from '../../src/config/redis';
import { PortsExhaustedError } from '../../src/domain/game-room/errors';
import { uniqueSuffix } from './infra';
import { connectRedis } from './redis-targets';

/**
 * RedisPortAllocator's behaviour against the Redis `connection` gives: the run's standalone Redis
 * (port-allocator.test.ts) and a real Redis Cluster (redis-cluster.test.ts).
 */
export function describePortAllocatorBehaviour(label: string, connection: () => RedisConnection) {
  describe(`RedisPortAllocator on ${label}`, () => {
    let redis: RedisClient;
    let allocator: RedisPortAllocator;

    beforeEach(async () => {
      redis = await connectRedis(connection(), `it-ports-${uniqueSuffix()}:`);
      allocator = new RedisPortAllocator(redis);
    });

    afterEach(async () => {
      await redis.quit();
    });

    it('gives every port of a room a distinct host port from its range', async () => {
      const ports = await allocator.allocate('s', 'room-a', [
        { name: 'game', range: { start: 40000, end: 40009 } },
        { name: 'voice', range: { start: 40000, end: 40009 } },
      ]);

      expect(Object.keys(ports).sort()).toEqual(['game', 'voice']);
      expect(ports['game']).not.toBe(ports['voice']);
      for (const port of Object.values(ports)) {
        expect(port).toBeGreaterThanOrEqual(40000);
        expect(port).toBeLessThanOrEqual(40009);
      }
    });

    it('returns the same ports when a room asks again', async () => {
      const request = [{ name: 'game', range: { start: 40000, end: 40100 } }];

      const first = await allocator.allocate('s', 'room-a', request);
      const second = await allocator.allocate('s', 'room-a', request);

      expect(second).toEqual(first);
      expect(await allocator.held('s', 'room-a')).toEqual(first);
    });

    it('never hands one port to two live rooms when 200 rooms of two schedulers race over overlapping ranges', async () => {
      const rooms = Array.from({ length: 200 }, (_, i) => ({
        scheduler: i % 2 ? 'odd' : 'even',
        roomId: `room-${i}`,
      }));

      const results = await Promise.all(
        rooms.map(({ scheduler, roomId }) =>
          allocator.allocate(scheduler, roomId, [
            {
              name: 'game',
              range:
                scheduler === 'odd' ? { start: 50000, end: 50199 } : { start: 50100, end: 50299 },
            },
          ]),
        ),
      );

      const ports = results.map((r) => r['game']);
      expect(new Set(ports).size).toBe(200);
    });

    it('fails with PortsExhaustedError naming the port and holds nothing when a range is full', async () => {
      await allocator.allocate('s', 'room-a', [
        { name: 'game', range: { start: 41000, end: 41001 } },
      ]);
      await allocator.allocate('s', 'room-b', [
        { name: 'game', range: { start: 41000, end: 41001 } },
      ]);

      const attempt = allocator.allocate('s', 'room-c', [
        { name: 'voice', range: { start: 42000, end: 42005 } },
        { name: 'game', range: { start: 41000, end: 41001 } },
      ]);

      await expect(attempt).rejects.toBeInstanceOf(PortsExhaustedError);
      await expect(attempt).rejects.toMatchObject({ portName: 'game', code: 'RESOURCE_EXHAUSTED' });
      expect(await allocator.held('s', 'room-c')).toBeUndefined();
      const voiceAgain = await allocator.allocate('s', 'room-d', [
        { name: 'voice', range: { start: 42000, end: 42000 } },
      ]);
      expect(voiceAgain).toEqual({ voice: 42000 });
    });

    it('lets another room take a port once its holder released it, and ignores unknown releases', async () => {
      const range = { start: 43000, end: 43000 };
      await allocator.allocate('s', 'room-a', [{ name: 'game', range }]);

      await allocator.release('s', 'room-a');
      await allocator.release('s', 'never-held');
      const taken = await allocator.allocate('s', 'room-b', [{ name: 'game', range }]);

      expect(taken).toEqual({ game: 43000 });
      expect(await allocator.held('s', 'room-a')).toBeUndefined();
    });
  });
}
