import type { GameRoom } from '../../src/domain/game-room/room';
import {
  byDeletionPriority,
  type DeletionContext,
} from '../../src/domain/health/deletion-priority';
import { msAgo, NOW, testRoom } from '../support/test-room';

const PING_TIMEOUT_MS = 240_000;
const context: DeletionContext = {
  activeVersion: 'v2.0.0',
  now: NOW,
  pingTimeoutMs: PING_TIMEOUT_MS,
};

const OLD = 'v1.4.0';
const NEW = 'v2.0.0';

/** The ids of `rooms` in deletion order (the input is reversed first, so input order can't help). */
const order = (rooms: GameRoom[]): string[] =>
  byDeletionPriority([...rooms].reverse(), context).map((room) => room.id);

// Rooms of one rank are ordered by id, so each test names its rooms such that the id order
// contradicts the expected one: only the rule under test can produce it.
describe('byDeletionPriority', () => {
  it('puts a free room before any room in use, whatever their versions', () => {
    const rooms = [
      testRoom('a-occupied', { status: 'occupied', version: OLD }),
      testRoom('b-allocated', { status: 'allocated', version: OLD }),
      testRoom('c-active', { status: 'active', version: OLD }),
      testRoom('d-free', { status: 'ready', version: NEW }),
    ];

    expect(order(rooms)).toEqual(['d-free', 'c-active', 'b-allocated', 'a-occupied']);
  });

  it.each([
    ['error', testRoom('z-broken', { status: 'error', version: NEW })],
    ['terminated', testRoom('z-broken', { status: 'terminated', version: NEW })],
    ['unready', testRoom('z-broken', { status: 'unready', version: NEW })],
    ['stale', testRoom('z-broken', { version: NEW, lastPingAt: msAgo(PING_TIMEOUT_MS + 1) })],
  ])('puts a broken (%s) room before healthy rooms of an old version', (_, broken) => {
    const healthyOld = [
      testRoom('a-pending', { status: 'pending', version: OLD }),
      testRoom('b-ready', { status: 'ready', version: OLD }),
    ];

    expect(order([...healthyOld, broken])).toEqual(['z-broken', 'a-pending', 'b-ready']);
  });

  it('treats a room pinging exactly at the timeout as healthy', () => {
    const rooms = [
      testRoom('a-old', { version: OLD }),
      testRoom('b-last-ping-at-limit', { version: NEW, lastPingAt: msAgo(PING_TIMEOUT_MS) }),
    ];

    expect(order(rooms)).toEqual(['a-old', 'b-last-ping-at-limit']);
  });

  it('does not treat a pending room that never pinged as broken', () => {
    const neverPinged = msAgo(10 * PING_TIMEOUT_MS);
    const rooms = [
      testRoom('a-pending', { status: 'pending', version: NEW, lastPingAt: neverPinged }),
      testRoom('b-old', { version: OLD }),
    ];

    expect(order(rooms)).toEqual(['b-old', 'a-pending']);
  });

  it('puts free rooms of another major version before those of the active one', () => {
    const rooms = [
      testRoom('a-new', { status: 'ready', version: NEW }),
      testRoom('b-old', { status: 'ready', version: OLD }),
      testRoom('c-newer-major', { status: 'ready', version: 'v3.0.0' }),
    ];

    expect(order(rooms)).toEqual(['b-old', 'c-newer-major', 'a-new']);
  });

  it('does not treat rooms of another minor version as old', () => {
    const rooms = [
      testRoom('a-same', { version: NEW }),
      testRoom('b-minor', { version: 'v2.3.0' }),
    ];

    expect(order(rooms)).toEqual(['a-same', 'b-minor']);
  });

  it('puts pending rooms before ready rooms of the same version', () => {
    const rooms = [
      testRoom('a-ready', { status: 'ready', version: NEW }),
      testRoom('b-pending', { status: 'pending', version: NEW }),
    ];

    expect(order(rooms)).toEqual(['b-pending', 'a-ready']);
  });

  it('orders rooms in use old version first, then active, allocated, occupied', () => {
    const rooms = [
      testRoom('a-occupied', { status: 'occupied', version: NEW }),
      testRoom('b-allocated', { status: 'allocated', version: NEW }),
      testRoom('c-active', { status: 'active', version: NEW }),
      testRoom('d-old-occupied', { status: 'occupied', version: OLD }),
    ];

    expect(order(rooms)).toEqual(['d-old-occupied', 'c-active', 'b-allocated', 'a-occupied']);
  });

  it('does not consider a stale room in use broken', () => {
    const rooms = [
      testRoom('a-stale-occupied', { status: 'occupied', lastPingAt: msAgo(PING_TIMEOUT_MS + 1) }),
      testRoom('b-ready', { version: NEW }),
    ];

    expect(order(rooms)).toEqual(['b-ready', 'a-stale-occupied']);
  });

  it('orders a mixed scheduler by every rule at once', () => {
    const rooms = [
      testRoom('occupied-new', { status: 'occupied', version: NEW }),
      testRoom('occupied-old', { status: 'occupied', version: OLD }),
      testRoom('ready-new', { status: 'ready', version: NEW }),
      testRoom('pending-new', { status: 'pending', version: NEW }),
      testRoom('ready-old', { status: 'ready', version: OLD }),
      testRoom('error-new', { status: 'error', version: NEW }),
    ];

    expect(order(rooms)).toEqual([
      'error-new',
      'ready-old',
      'pending-new',
      'ready-new',
      'occupied-old',
      'occupied-new',
    ]);
  });

  it('never offers terminating rooms or validation rooms', () => {
    const rooms = [
      testRoom('terminating', { status: 'terminating', version: OLD }),
      testRoom('validation', { status: 'error', version: NEW, isValidationRoom: true }),
      testRoom('ready', { version: NEW }),
    ];

    expect(order(rooms)).toEqual(['ready']);
  });

  it('offers nothing when there are no rooms', () => {
    expect(byDeletionPriority([], context)).toEqual([]);
  });
});
