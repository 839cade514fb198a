import { SupervisionSlots } from '../../activities/supervision';

function slotsOf(capacity: number) {
  const log = { warn: jest.fn(), info: jest.fn() };
  const reported: [number, number][] = [];
  const slots = new SupervisionSlots(capacity, 'runtime-watcher', log, (inUse, max) =>
    reported.push([inUse, max]),
  );
  return { slots, log, reported };
}

describe('SupervisionSlots', () => {
  it('reports the supervisors in use against the capacity as they come and go', () => {
    const { slots, reported } = slotsOf(3);

    const first = slots.acquire();
    const second = slots.acquire();
    first();

    expect(reported).toEqual([
      [0, 3],
      [1, 3],
      [2, 3],
      [1, 3],
    ]);
    second();
    expect(reported.at(-1)).toEqual([0, 3]);
  });

  it('warns, naming the remedy, when the last slot is taken, and says when one frees', () => {
    const { slots, log } = slotsOf(2);

    slots.acquire();
    expect(log.warn).not.toHaveBeenCalled();
    const last = slots.acquire();

    expect(log.warn).toHaveBeenCalledTimes(1);
    expect(log.warn).toHaveBeenCalledWith(
      { module: 'runtime-watcher', slots: 2 },
      expect.stringMatching(
        /all 2 supervision slots .* run another runtime-watcher process or raise MAESTRO_SUPERVISION_SCHEDULERS_PER_PROCESS/,
      ),
    );
    last();
    expect(log.info).toHaveBeenCalledWith(
      { module: 'runtime-watcher' },
      'a supervision slot is free again',
    );
  });

  it('releases a slot once, however often its release is called', () => {
    const { slots, reported } = slotsOf(2);

    const release = slots.acquire();
    release();
    release();

    expect(reported.at(-1)).toEqual([0, 2]);
    expect(reported).toHaveLength(3);
  });
});
