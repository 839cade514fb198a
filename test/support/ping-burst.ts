/**
 * Load for the forwarding tests: rooms placed on a scheduler of the Rooms API harness, then a
 * closed-loop burst of pings over many concurrent connections, each connection owning its own
 * rooms so that every room's pings (and so its last state) are in a known order.
 */
import type { Registry } from 'prom-client';
import type { GameRoomInstance } from '../../src/domain/game-room/instance';
import { call, type RoomsApiHarness } from './rooms-api-server';

export type PingedStatus = 'ready' | 'occupied';

export interface BurstResult {
  /** Pings answered `success: true`. */
  recorded: number;
  /** Pings answered anything else (after repeating those answered 503). */
  refused: number;
  /** The refusals by answer (`<HTTP status> <message or success:false>`), to say what went wrong. */
  refusals: Record<string, number>;
  /** Pings answered 503 (a dependency slow or down: the room is asked to retry) and repeated. */
  repeated: number;
  /** Each room's last reported status. */
  lastStatus: Map<string, PingedStatus>;
}

/** Creates `count` placed, ready rooms `room-<i>` on `scheduler`; returns their ids. */
export async function placeRooms(
  api: RoomsApiHarness,
  scheduler: string,
  count: number,
): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, i) => `room-${i}`);
  for (const id of ids) {
    const instance: GameRoomInstance = {
      id,
      scheduler,
      version: 'v1.0.0',
      status: 'ready',
      address: { host: '10.0.0.5', ports: [{ name: 'game', protocol: 'UDP', port: 40500 }] },
      createdAt: new Date(),
    };
    await api.lifecycle.roomCreating({ id, scheduler, version: 'v1.0.0' });
    await api.lifecycle.instanceChanged({ type: 'added', instance });
  }
  return ids;
}

/**
 * `connections` closed loops, each pinging its share of `rooms` in turn `pingsPerConnection`
 * times, alternating statuses so that consecutive states of a room differ.
 */
export async function pingBurst(
  api: Pick<RoomsApiHarness, 'baseUrl'>,
  scheduler: string,
  rooms: string[],
  options: { connections: number; pingsPerConnection: number },
): Promise<BurstResult> {
  const result: BurstResult = {
    recorded: 0,
    refused: 0,
    refusals: {},
    repeated: 0,
    lastStatus: new Map(),
  };
  const loop = async (connection: number) => {
    const owned = rooms.filter((_, i) => i % options.connections === connection);
    for (let i = 0; i < options.pingsPerConnection; i += 1) {
      const room = owned[i % owned.length]!;
      const status: PingedStatus = Math.floor(i / owned.length) % 2 === 0 ? 'occupied' : 'ready';
      const ping = () =>
        call(api, 'PUT', `/scheduler/${scheduler}/rooms/${room}/ping`, {
          status,
          metadata: { seq: i },
          runningMatches: status === 'occupied' ? 1 : 0,
        });
      let answer = await ping();
      // 503 asks the room to ping again (a store slower than its deadline on a loaded machine),
      // as game rooms do: a ping stores the latest report, so repeating it is harmless.
      for (let attempt = 1; answer.status === 503 && attempt < 10; attempt += 1) {
        result.repeated += 1;
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
        answer = await ping();
      }
      const body = answer.body as { success?: boolean; message?: string } | undefined;
      const isRecorded = body?.success === true;
      if (isRecorded) result.lastStatus.set(room, status);
      result[isRecorded ? 'recorded' : 'refused'] += 1;
      if (!isRecorded) {
        const reason = `${answer.status} ${body?.message ?? 'success:false'}`;
        result.refusals[reason] = (result.refusals[reason] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: options.connections }, (_, i) => loop(i)));
  return result;
}

/** The sum of a counter's or gauge's values for `scheduler`, optionally filtered by one label. */
export async function metricTotal(
  registry: Registry,
  name: string,
  scheduler: string,
  where: Record<string, string> = {},
): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  return values
    .filter((value) => value.labels['scheduler'] === scheduler)
    .filter((value) => Object.entries(where).every(([k, v]) => value.labels[k] === v))
    .reduce((sum, value) => sum + value.value, 0);
}

/** `name`'s values for `scheduler` summed per value of `label` (e.g. failures per reply code). */
export async function metricByLabel(
  registry: Registry,
  name: string,
  scheduler: string,
  label: string,
): Promise<Record<string, number>> {
  const metric = registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  const totals: Record<string, number> = {};
  for (const value of values) {
    if (value.labels['scheduler'] !== scheduler || value.value === 0) continue;
    const key = String(value.labels[label]);
    totals[key] = (totals[key] ?? 0) + value.value;
  }
  return totals;
}
