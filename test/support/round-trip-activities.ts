import type { RedisClient } from '../../src/adapters/redis/client';
import type { Pool } from 'pg';

export interface RoundTripResult {
  postgres: { name: string; game: string; activeVersion: string; definition: unknown };
  redis: Record<string, string>;
}

/** Activities of the chain test, built on the production adapters' clients. */
export function createRoundTripActivities(deps: { pool: Pool; redis: RedisClient }) {
  return {
    async roundTrip(input: { scheduler: string; game: string }): Promise<RoundTripResult> {
      const client = await deps.pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(
          `INSERT INTO schedulers (name, game, state, active_version) VALUES ($1, $2, 'creating', 'v1.0.0')`,
          [input.scheduler, input.game],
        );
        await client.query(
          `INSERT INTO scheduler_versions (scheduler_name, version, definition) VALUES ($1, 'v1.0.0', $2)`,
          [input.scheduler, { roomsReplicas: 2 }],
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      } finally {
        client.release();
      }
      const { rows } = await deps.pool.query<RoundTripResult['postgres']>(
        `SELECT s.name, s.game, s.active_version AS "activeVersion", v.definition
           FROM schedulers s JOIN scheduler_versions v
             ON v.scheduler_name = s.name AND v.version = s.active_version
          WHERE s.name = $1`,
        [input.scheduler],
      );
      const key = `scheduler:${input.scheduler}:round-trip`;
      await deps.redis.hset(key, { game: input.game, version: rows[0]?.activeVersion ?? '' });
      return { postgres: rows[0]!, redis: await deps.redis.hgetall(key) };
    },
  };
}

export type RoundTripActivities = ReturnType<typeof createRoundTripActivities>;
