/**
 * What `npm run dev` tells and does about the local rooms it leaves, on real room processes:
 * only rooms whose room keeper still runs count, and the answer at the terminal prompt decides.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { settleLocalRooms } from '../../scripts/dev-rooms';
import { listLiveLocalRooms } from '../../src/adapters/runtime/local/live-rooms';
import { LocalRuntime } from '../../src/adapters/runtime/local/local-runtime';
import type { Spec } from '../../src/domain/scheduler/spec';
import { uniqueSuffix } from '../support/infra';
import { eventuallyStatus } from '../support/runtime-contract';

const runtimeDir = mkdtempSync(path.join(os.tmpdir(), 'maestro-dev-rooms-'));
const runtime = new LocalRuntime(
  { stateDir: runtimeDir, advertisedHost: '127.0.0.1', pollIntervalMs: 100 },
  pino({ level: 'silent' }),
);

function spec(command: string[]): Spec {
  return {
    version: 'v1.0.0',
    terminationGracePeriodMs: 1_000,
    toleration: '',
    affinity: '',
    restartPolicy: 'Never',
    containers: [
      {
        name: 'game',
        image: 'game',
        imagePullPolicy: 'IfNotPresent',
        command,
        environment: [],
        requests: { cpu: '10m', memory: '16Mi' },
        limits: { cpu: '10m', memory: '16Mi' },
        ports: [],
      },
    ],
  };
}

/** Rooms of two schedulers: three that run and one that has exited. */
async function startRooms() {
  const names = [`a-${uniqueSuffix()}`, `b-${uniqueSuffix()}`];
  const create = (scheduler: string, roomId: string, command: string[]) =>
    runtime.createRoom({
      scheduler: { name: scheduler, labels: {}, annotations: {} },
      roomId,
      spec: spec(command),
      hostPorts: {},
    });
  await create(names[0]!, 'a1', ['sleep', '600']);
  await create(names[0]!, 'a2', ['sleep', '600']);
  await create(names[1]!, 'b1', ['sleep', '600']);
  await create(names[1]!, 'b-exited', ['sh', '-c', 'exit 3']);
  await eventuallyStatus(runtime, names[1]!, 'b-exited', 'error');
  return names;
}

describe('the local rooms left when npm run dev stops', () => {
  afterAll(async () => {
    await stopEverything();
    rmSync(runtimeDir, { recursive: true, force: true });
  });

  async function stopEverything() {
    const live = await listLiveLocalRooms(runtimeDir);
    await Promise.all(
      [...new Set(live.map((room) => room.scheduler))].map((s) => runtime.deleteSchedulerSpace(s)),
    );
  }

  it('counts only running rooms and leaves them when the answer at the prompt is no', async () => {
    await startRooms();
    const said: string[] = [];
    const questions: string[] = [];

    const outcome = await settleLocalRooms({
      runtimeDir,
      choice: 'ask',
      say: (message) => said.push(message),
      ask: async (question) => (questions.push(question), false),
    });

    expect(outcome).toEqual({ live: 3, isStopped: false });
    expect(questions).toEqual([
      '3 local rooms of 2 schedulers still running, each pinging a Rooms API that is gone. Stop them too? [y/N] ',
    ]);
    expect(said).toEqual([
      '3 local rooms of 2 schedulers left running (rooms outlive maestro; the next npm run dev takes them over). Stop them with: npm run dev:stop-rooms',
    ]);
    expect(await listLiveLocalRooms(runtimeDir)).toHaveLength(3);
    await stopEverything();
  });

  it('stops every running room when the answer at the prompt is yes', async () => {
    await startRooms();
    const said: string[] = [];

    const outcome = await settleLocalRooms({
      runtimeDir,
      choice: 'ask',
      say: (message) => said.push(message),
      ask: async () => true,
    });

    expect(outcome).toEqual({ live: 3, isStopped: true });
    expect(said).toEqual([
      'stopping 3 local rooms of 2 schedulers',
      'stopped 3 local rooms of 2 schedulers',
    ]);
    expect(await listLiveLocalRooms(runtimeDir)).toEqual([]);
  });

  it('says nothing and asks nothing when no room runs', async () => {
    const said: string[] = [];
    const ask = jest.fn(async () => true);

    const outcome = await settleLocalRooms({
      runtimeDir,
      choice: 'ask',
      say: (message) => said.push(message),
      ask,
    });

    expect(outcome).toEqual({ live: 0, isStopped: false });
    expect(said).toEqual([]);
    expect(ask).not.toHaveBeenCalled();
  });
});
