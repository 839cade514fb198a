import pino from 'pino';
import { CoalescedNudges } from '../../src/app/coalesced-nudges';
import { allocateWaitOf, parseAllocateWait } from '../../src/domain/autoscaling/allocate-wait';
import { testScheduler } from '../support/test-scheduler';

const autoscaling = (min: number, scaleToZero?: { idleAfter: string; allocateWait: string }) => ({
  enabled: true,
  min,
  max: 5,
  cooldown: 0,
  policy: { type: 'fixedBuffer' as const, parameters: { fixedBuffer: { amount: 1 } } },
  ...(scaleToZero && { scaleToZero }),
});

describe('parseAllocateWait', () => {
  it.each([
    ['20s', 20_000],
    ['1m30s', 90_000],
    ['0s', 0],
    ['2m', 120_000],
  ])('reads %s as %i ms', (text, waitMs) => {
    expect(parseAllocateWait(text)).toEqual({ waitMs });
  });

  it.each([
    ['forever', 'must be a duration such as 90m, 5h, 1h30m or 500ms'],
    ['', 'must be a duration such as 90m, 5h, 1h30m or 500ms'],
    ['2m1s', 'must be at most 2m'],
  ])('refuses %j: %s', (text, problem) => {
    expect(parseAllocateWait(text)).toEqual({ problem });
  });
});

describe('allocateWaitOf', () => {
  it('is the request’s wait whatever the scheduler', () => {
    expect(allocateWaitOf(testScheduler('s'), 5_000)).toBe(5_000);
    expect(allocateWaitOf({ autoscaling: autoscaling(0) }, 0)).toBe(0);
  });

  it('is the scheduler’s allocateWait with min 0, its 30s default when the block is absent', () => {
    const custom = { idleAfter: '5m', allocateWait: '45s' };
    expect(allocateWaitOf({ autoscaling: autoscaling(0, custom) }, undefined)).toBe(45_000);
    expect(allocateWaitOf({ autoscaling: autoscaling(0) }, undefined)).toBe(30_000);
  });

  it('is no wait, as in Maestro, without autoscaling, with min ≥ 1 or autoscaling disabled', () => {
    expect(allocateWaitOf(testScheduler('s'), undefined)).toBe(0);
    expect(allocateWaitOf({ autoscaling: autoscaling(1) }, undefined)).toBe(0);
    const disabled = { ...autoscaling(0), enabled: false };
    expect(allocateWaitOf({ autoscaling: disabled }, undefined)).toBe(0);
  });
});

describe('CoalescedNudges', () => {
  const log = pino({ level: 'silent' });

  function slowNudger() {
    const sent: string[] = [];
    const pending: Array<() => void> = [];
    return {
      sent,
      deliverAll: () => pending.splice(0).forEach((deliver) => deliver()),
      nudge: (scheduler: string) =>
        new Promise<void>((resolve) => {
          sent.push(scheduler);
          pending.push(resolve);
        }),
    };
  }

  it('sends one nudge now and one after it for a burst of 10, per scheduler', async () => {
    const nudger = slowNudger();
    const nudges = new CoalescedNudges(nudger, log);

    const burst = Array.from({ length: 10 }, () => nudges.nudge('a'));
    void nudges.nudge('b');
    expect(nudger.sent).toEqual(['a', 'b']);
    nudger.deliverAll();
    await new Promise((resolve) => setImmediate(resolve));
    expect(nudger.sent).toEqual(['a', 'b', 'a']);
    nudger.deliverAll();
    await Promise.all(burst);

    expect(nudger.sent).toEqual(['a', 'b', 'a']);
  });

  it('resolves without throwing when the nudge fails', async () => {
    const nudges = new CoalescedNudges({ nudge: () => Promise.reject(new Error('down')) }, log);

    await expect(nudges.nudge('a')).resolves.toBeUndefined();
  });
});
