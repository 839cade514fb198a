import {
  WEBHOOK_API_VERSION,
  fallbackDecision,
  isWebhookEvent,
  readWebhookAnswer,
  webhookDecision,
  webhookRequest,
  type PastDecision,
} from '../../src/domain/autoscaling/webhook';
import type { WebhookFallback } from '../../src/domain/autoscaling/policies';
import type { Occupancy } from '../../src/domain/health/autoscaling';
import { ROOM_STATUSES, type RoomStatus } from '../../src/domain/game-room/status';

function occupancy(rooms: Partial<Record<RoomStatus, number>>, runningMatches = 0): Occupancy {
  const counts = Object.fromEntries(ROOM_STATUSES.map((s) => [s, rooms[s] ?? 0]));
  return { counts: counts as Record<RoomStatus, number>, runningMatches, maxMatches: 1 };
}

const decisions = (count: number): PastDecision[] =>
  Array.from({ length: count }, (_, i) => ({
    at: new Date(Date.UTC(2024, 4, 6, 12, i)).toISOString(),
    desired: i,
    source: 'webhook',
  }));

describe('webhookRequest', () => {
  it('carries the versioned state with the last 10 decisions, oldest first', () => {
    const rooms = occupancy({ ready: 2, occupied: 3, allocated: 1 }, 3);

    const body = webhookRequest({
      scheduler: { name: 'arena', game: 'tennis', version: 'v1.2.0' },
      occupancy: rooms,
      desired: 6,
      min: 0,
      max: -1,
      history: decisions(12),
    });

    expect(body).toEqual({
      apiVersion: 'autoscaling.maestro/v1',
      scheduler: { name: 'arena', game: 'tennis', version: 'v1.2.0' },
      rooms: rooms.counts,
      occupancy: { runningMatches: 3, maxMatches: 1 },
      desired: 6,
      min: 0,
      max: -1,
      history: decisions(12).slice(2),
    });
    expect(JSON.parse(JSON.stringify(body))).toEqual(body);
  });
});

describe('readWebhookAnswer', () => {
  const bounds = { min: 2, max: 10 };
  const answer = (desired: unknown) => ({ apiVersion: WEBHOOK_API_VERSION, desired });

  it.each([
    ['within bounds', answer(7), { desired: 7, wasClamped: false }],
    ['at min', answer(2), { desired: 2, wasClamped: false }],
    ['above max: clamped', answer(40), { desired: 10, wasClamped: true }],
    ['below min: clamped', answer(0), { desired: 2, wasClamped: true }],
    [
      'with extra fields',
      { ...answer(3), reason: 'tournament' },
      { desired: 3, wasClamped: false },
    ],
    ['negative', answer(-1), { problem: 'desired must be a non-negative integer, got number -1' }],
    [
      'fractional',
      answer(2.5),
      { problem: 'desired must be a non-negative integer, got number 2.5' },
    ],
    ['a string', answer('5'), { problem: 'desired must be a non-negative integer, got "5"' }],
    ['null', answer(null), { problem: 'desired must be a non-negative integer, got null' }],
    [
      'unsafe',
      answer(2 ** 60),
      { problem: `desired must be a non-negative integer, got number ${2 ** 60}` },
    ],
    ['missing desired', { apiVersion: WEBHOOK_API_VERSION }, { problem: 'desired is required' }],
    [
      'missing apiVersion',
      { desired: 3 },
      { problem: 'apiVersion is required (autoscaling.maestro/v1)' },
    ],
    [
      'another apiVersion',
      { apiVersion: 'autoscaling.maestro/v2', desired: 3 },
      { problem: 'apiVersion must be autoscaling.maestro/v1, got "autoscaling.maestro/v2"' },
    ],
    ['a list', [answer(3)], { problem: 'answer must be a JSON object, got a list' }],
    ['a number', 3, { problem: 'answer must be a JSON object, got number 3' }],
    ['null body', null, { problem: 'answer must be a JSON object, got null' }],
    ['text', 'ok', { problem: 'answer must be a JSON object, got "ok"' }],
  ])('reads an answer %s', (_, body, expected) => {
    expect(readWebhookAnswer(body, bounds)).toEqual(expected);
  });

  it('lets the webhook scale to zero when min is 0 and keeps max −1 unbounded', () => {
    expect(readWebhookAnswer(answer(0), { min: 0, max: -1 })).toEqual({
      desired: 0,
      wasClamped: false,
    });
    expect(readWebhookAnswer(answer(500), { min: 0, max: -1 })).toEqual({
      desired: 500,
      wasClamped: false,
    });
  });
});

describe('webhookDecision', () => {
  const keep: WebhookFallback = { type: 'keep' };
  const buffer: WebhookFallback = {
    type: 'policy',
    policy: { type: 'fixedBuffer', parameters: { fixedBuffer: { amount: 3 } } },
  };
  const rooms = occupancy({ ready: 1, occupied: 4 }, 4);
  const context = (fallback: WebhookFallback) => ({ fallback, current: 6, min: 1, max: 10 });
  const valid = { body: { apiVersion: WEBHOOK_API_VERSION, desired: 12 } };
  const nonsense = { body: { apiVersion: WEBHOOK_API_VERSION, desired: -3 } };
  const timeout = { failure: 'timed out after 2s' };

  it.each([
    [
      'uses a valid answer, clamped',
      valid,
      keep,
      10,
      true,
      'webhook',
      'webhook answered 10 (clamped to [1, 10])',
    ],
    [
      'keeps the current desired on nonsense',
      nonsense,
      keep,
      6,
      false,
      'fallback:keep',
      'webhook unusable: desired must be a non-negative integer, got number -3; fallback keeps 6 rooms',
    ],
    [
      'keeps the current desired on a failure',
      timeout,
      keep,
      6,
      false,
      'fallback:keep',
      'webhook unusable: timed out after 2s; fallback keeps 6 rooms',
    ],
    [
      'applies the fallback policy on a failure',
      timeout,
      buffer,
      7,
      false,
      'fallback:fixedBuffer',
      'webhook unusable: timed out after 2s; fallback fixedBuffer wants 7 rooms',
    ],
  ])('%s', (_, outcome, fallback, desired, canDownscale, source, note) => {
    const problem = /^webhook unusable: (.*); fallback/.exec(note)?.[1];
    expect(webhookDecision(outcome, context(fallback), rooms)).toEqual({
      desired,
      canDownscale,
      source,
      note,
      ...(problem !== undefined && { problem }),
    });
  });
});

describe('isWebhookEvent', () => {
  const ok = { source: 'webhook' as const };
  const timedOut = { source: 'fallback:keep' as const, problem: 'timeout after 2s' };

  it.each([
    ['the first decision', undefined, ok, true],
    ['the webhook answering again', ok, ok, false],
    ['a fallback taking over', ok, timedOut, true],
    ['the webhook answering after a fallback', timedOut, ok, true],
    ['the same problem again', timedOut, { ...timedOut }, false],
    ['another problem', timedOut, { ...timedOut, problem: 'HTTP 503' }, true],
  ])('is news after %s', (_, previous, next, expected) => {
    expect(isWebhookEvent(previous, next)).toBe(expected);
  });
});

describe('fallbackDecision', () => {
  it('keeps the current desired within the bounds', () => {
    const context = { fallback: { type: 'keep' as const }, current: 14, min: 1, max: 10 };

    expect(fallbackDecision(context, occupancy({ ready: 14 }), 'desired is required').desired).toBe(
      10,
    );
  });
});
