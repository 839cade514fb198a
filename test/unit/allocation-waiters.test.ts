import { AllocationWaiters } from '../../src/app/allocation-waiters';

/** Fast polls, so that the tests run in milliseconds; the gaps' sizes are not under test. */
const POLL = { firstMs: 2, maxMs: 4, renudgeMs: 40 };
const LONG = 60_000;

/**
 * A room store whose attempts the test answers one by one: the poll loop cannot move on until the
 * test says what the attempt found, so counts are exact, not timing-dependent.
 */
function gatedRooms() {
  const pending: ((room: string | undefined) => void)[] = [];
  let attempts = 0;
  const take = () =>
    new Promise<string | undefined>((resolve) => {
      attempts += 1;
      pending.push(resolve);
    });
  /** Waits for the loop's next attempt, and answers it. */
  const answer = async (room: string | undefined) => {
    while (pending.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    pending.shift()!(room);
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { take, answer, attempts: () => attempts };
}

function waitersWith(nudges: string[] = []) {
  return new AllocationWaiters<string>({
    now: Date.now,
    nudge: (scheduler) => nudges.push(scheduler),
    poll: POLL,
  });
}

describe('AllocationWaiters', () => {
  it('makes one attempt per poll however many wait, and serves them oldest first', async () => {
    const waiters = waitersWith();
    const rooms = gatedRooms();
    const served: (string | undefined)[] = [];
    const waiting = [0, 1, 2].map((i) =>
      waiters.wait('tennis', rooms.take, Date.now() + LONG).then((room) => (served[i] = room)),
    );

    await rooms.answer(undefined); // first poll: nothing ready
    await rooms.answer(undefined); // second poll
    expect(rooms.attempts()).toBe(2); // not 2 × 3

    await rooms.answer('room-a'); // third poll: two rooms turned ready
    await rooms.answer('room-b');
    await rooms.answer(undefined);
    expect(served).toEqual(['room-a', 'room-b']);
    expect(waiters.waiting('tennis')).toBe(1);

    await rooms.answer('room-c');
    await Promise.all(waiting);
    expect(served).toEqual(['room-a', 'room-b', 'room-c']);
    expect(waiters.waiting('tennis')).toBe(0);
  });

  it('lets a waiter go with nothing at its deadline or when its caller goes away', async () => {
    const waiters = waitersWith();
    const rooms = gatedRooms();
    const caller = new AbortController();

    const expiring = waiters.wait('tennis', rooms.take, Date.now() + 20);
    const abandoned = waiters.wait('tennis', rooms.take, Date.now() + LONG, caller.signal);
    const patient = waiters.wait('tennis', rooms.take, Date.now() + LONG);
    caller.abort();

    expect(await abandoned).toBeUndefined();
    expect(await expiring).toBeUndefined();
    expect(waiters.waiting('tennis')).toBe(1);
    await rooms.answer('room-a'); // the one still there gets the next room
    expect(await patient).toBe('room-a');
  });

  it('answers at once, without an attempt, a caller already gone or a deadline already past', async () => {
    const waiters = waitersWith();
    const rooms = gatedRooms();
    const gone = new AbortController();
    gone.abort();

    expect(
      await waiters.wait('tennis', rooms.take, Date.now() + LONG, gone.signal),
    ).toBeUndefined();
    expect(await waiters.wait('tennis', rooms.take, Date.now() - 1)).toBeUndefined();
    expect(rooms.attempts()).toBe(0);
  });

  it('fails every waiter of the scheduler when an attempt fails, and polls afresh for the next', async () => {
    const waiters = waitersWith();
    let isDown = true;
    const take = () =>
      isDown ? Promise.reject(new Error('redis unavailable')) : Promise.resolve('room-a');

    const failed = await Promise.allSettled([
      waiters.wait('tennis', take, Date.now() + LONG),
      waiters.wait('tennis', take, Date.now() + LONG),
    ]);
    expect(failed.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(waiters.waiting('tennis')).toBe(0);

    isDown = false;
    expect(await waiters.wait('tennis', take, Date.now() + LONG)).toBe('room-a');
  });

  it('keeps schedulers apart, and nudges again while its waiters still wait', async () => {
    const nudges: string[] = [];
    const waiters = waitersWith(nudges);
    const tennis = gatedRooms();
    const chess = gatedRooms();

    const forTennis = waiters.wait('tennis', tennis.take, Date.now() + LONG);
    const forChess = waiters.wait('chess', chess.take, Date.now() + LONG);
    await chess.answer('chess-1');
    expect(await forChess).toBe('chess-1');

    const startedAt = Date.now();
    while (Date.now() - startedAt < POLL.renudgeMs * 3) await tennis.answer(undefined);
    expect(nudges.filter((scheduler) => scheduler === 'tennis').length).toBeGreaterThan(0);
    expect(nudges).not.toContain('chess'); // served before its first re-nudge was due

    await tennis.answer('tennis-1');
    expect(await forTennis).toBe('tennis-1');
  });
});
