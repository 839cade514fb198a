import type { Room } from '@maestro/management-client';
import { describeRollout, isRolledOut, rolloutOf } from '../../src/main/cli/rollout-watch';

/** `maestro … --wait`'s view of a rollout: where the rooms stand against the active version. */
const room = (status: Room['status'], version: string, isValidationRoom = false) =>
  ({ status, version, isValidationRoom }) as Room;
const scheduler = (version: string, roomsReplicas: number, autoscaling?: [number, number]) => ({
  spec: { version } as never,
  roomsReplicas,
  ...(autoscaling && {
    autoscaling: {
      enabled: true,
      min: autoscaling[0],
      max: autoscaling[1],
      policy: { type: 'roomOccupancy', parameters: {} },
    },
  }),
});

describe('the rollout --wait follows', () => {
  it('is done when every ready room runs the active major version (a minor keeps its rooms)', () => {
    const rollout = rolloutOf(
      [room('ready', 'v2.0.0'), room('ready', 'v2.1.0')],
      scheduler('v2.1.0', 2),
    );
    expect(rollout).toMatchObject({ current: 2, outdated: 0, moving: 0, missing: 0, surplus: 0 });
    expect(isRolledOut(rollout)).toBe(true);
    expect(describeRollout(rollout)).toBe('rooms at v2.1.0: 2 ready on it');
  });

  it('waits for ready rooms of an older major, and rooms starting or stopping', () => {
    const rollout = rolloutOf(
      [room('ready', 'v1.0.0'), room('pending', 'v2.0.0'), room('terminating', 'v1.0.0')],
      scheduler('v2.0.0', 2),
    );
    expect(isRolledOut(rollout)).toBe(false);
    expect(describeRollout(rollout)).toBe(
      'rooms at v2.0.0: 0 ready on it, 1 to replace, 2 starting or stopping, 2 more to come',
    );
  });

  it('keeps busy rooms of an older major without waiting for them, counting them as wanted rooms', () => {
    const rollout = rolloutOf(
      [room('occupied', 'v1.0.0'), room('allocated', 'v1.0.0'), room('ready', 'v2.0.0')],
      scheduler('v2.0.0', 3),
    );
    expect(isRolledOut(rollout)).toBe(true);
    expect(describeRollout(rollout)).toBe(
      'rooms at v2.0.0: 1 ready on it, 2 busy on an older version, kept until their match ends',
    );
  });

  it('waits for missing rooms and for surplus ready ones, never for surplus busy ones', () => {
    expect(describeRollout(rolloutOf([], scheduler('v1.0.0', 2)))).toBe(
      'rooms at v1.0.0: 0 ready on it, 2 more to come',
    );
    const surplus = rolloutOf(
      [room('ready', 'v1.0.0'), room('occupied', 'v1.0.0')],
      scheduler('v1.0.0', 1),
    );
    expect(surplus.surplus).toBe(1);
    expect(isRolledOut(surplus)).toBe(false);
    const busy = rolloutOf(
      [room('occupied', 'v1.0.0'), room('occupied', 'v1.0.0')],
      scheduler('v1.0.0', 1),
    );
    expect(isRolledOut(busy)).toBe(true);
  });

  it('takes autoscaling as a range: at least min, at most max, the rest the autoscaler decides', () => {
    const within = [room('ready', 'v1.0.0'), room('ready', 'v1.0.0'), room('occupied', 'v1.0.0')];
    expect(isRolledOut(rolloutOf(within, scheduler('v1.0.0', 0, [2, 6])))).toBe(true);
    expect(rolloutOf(within, scheduler('v1.0.0', 0, [4, 6])).missing).toBe(1);
    expect(rolloutOf(within, scheduler('v1.0.0', 0, [1, 2])).surplus).toBe(1);
  });

  it('leaves validation rooms out: they come and go while a version is checked', () => {
    const rollout = rolloutOf([room('pending', 'v2.0.0', true)], scheduler('v1.0.0', 0));
    expect(isRolledOut(rollout)).toBe(true);
  });
});
