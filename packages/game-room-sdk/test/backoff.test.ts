import { nextPingDelayMs } from '../src';

describe('nextPingDelayMs', () => {
  const schedule = { intervalMs: 5_000, initialBackoffMs: 1_000, maxBackoffMs: 30_000 };

  it.each([
    // failures, random, delay
    [0, 0.99, 5_000],
    [1, 0, 500],
    [1, 0.5, 750],
    [2, 0, 1_000],
    [3, 0.999, 3_998],
    [5, 0, 8_000],
    [6, 0, 15_000],
    [7, 0, 15_000],
    [7, 0.5, 22_500],
    [60, 0.999, 29_985],
  ])('waits %d failures → (random %d) %d ms', (failures, random, delay) => {
    expect(nextPingDelayMs(failures, schedule, () => random)).toBe(delay);
  });

  it('never waits longer than the cap, nor less than half of it once reached', () => {
    for (const random of [0, 0.25, 0.75, 0.9999]) {
      const delay = nextPingDelayMs(12, schedule, () => random);
      expect(delay).toBeGreaterThanOrEqual(15_000);
      expect(delay).toBeLessThanOrEqual(30_000);
    }
  });
});
