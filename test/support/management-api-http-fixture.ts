/**
 * The Management API as a Maestro client sees it, for the management-api-http-*.test.ts files:
 * real HTTP against the server built on the real use cases, PostgreSQL, Temporal (with a worker
 * running the production workflows) and the local runtime, started once per file.
 */
import path from 'node:path';
import { OperationsHarness } from './operations-harness';
import { call, startManagementApi, type RunningManagementApi } from './management-api-server';
import { eventually } from './runtime-contract';

export type Json = Record<string, unknown>;

const RFC3339_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/** jest's asymmetric matchers are typed `any`; these keep the expected values typed. */
export const match = {
  string: (pattern: RegExp): unknown => expect.stringMatching(pattern),
  timestamp: (): unknown => expect.stringMatching(RFC3339_UTC),
  object: (shape: object): unknown => expect.objectContaining(shape),
  anything: (): unknown => expect.anything(),
  anyString: (): unknown => expect.any(String),
};
export const GAME_ROOM = path.resolve(__dirname, '../../examples/game-room/index.js');

/**
 * A scheduler as Maestro's POST /schedulers takes it, in lowerCamelCase as Maestro's docs write
 * one: the sample game room, no rooms, the harness's port range for `name`, and the container's
 * `environment` when given.
 */
export function maestroSchedulerBody(
  harness: OperationsHarness,
  { name, game, environment }: { name: string; game: string; environment?: Json[] },
): Json {
  return {
    name,
    game,
    maxSurge: '25%',
    roomsReplicas: 0,
    portRange: harness.schedulerInput(name).portRange,
    spec: {
      terminationGracePeriod: '5s',
      containers: [
        {
          name: 'game',
          image: 'sample-game-room',
          imagePullPolicy: 'IfNotPresent',
          command: ['node', GAME_ROOM],
          ...(environment && { environment }),
          requests: { cpu: '10m', memory: '32Mi' },
          limits: { cpu: '100m', memory: '64Mi' },
          ports: [{ name: 'game', protocol: 'tcp', port: 7777 }],
        },
      ],
    },
  };
}

/**
 * Starts the harness and the API before the file's tests and stops them after; every test also
 * checks that the API logged no unexpected failure. Call it in a `describe` body.
 */
export function managementApiOverHttp() {
  const harness = new OperationsHarness();
  let api: RunningManagementApi;
  const name = (label: string) => `${label}-${harness.suffix}`;
  const game = `game-${harness.suffix}`;
  const http = (method: string, route: string, body?: unknown) => call(api, method, route, body);

  /** The file's game's scheduler, its rooms pinging the harness's Rooms API every second. */
  const camelBody = (scheduler: string, overrides: Json = {}): Json => ({
    ...maestroSchedulerBody(harness, {
      name: scheduler,
      game,
      environment: [
        { name: 'ROOMS_API_ADDRESS', value: harness.roomsApiAddress },
        { name: 'PING_INTERVAL_MS', value: '1000' },
      ],
    }),
    ...overrides,
  });

  const finished = (scheduler: string, operationId: string) =>
    harness.waitForOperation(scheduler, operationId, 'finished');

  /** Waits until the scheduler has no pending or running operation (a new version enqueues its switch). */
  const settled = (scheduler: string) =>
    eventually(async () => {
      for (const stage of ['pending', 'active']) {
        const { body } = await http('GET', `/schedulers/${scheduler}/operations?stage=${stage}`);
        expect((body as { total: number }).total).toBe(0);
      }
    });

  /** Creates a scheduler through the API and waits for create_scheduler to finish. */
  async function createdScheduler(label: string, overrides: Json = {}): Promise<string> {
    const scheduler = name(label);
    const created = await http('POST', '/schedulers', camelBody(scheduler, overrides));
    expect(created.status).toBe(200);
    await eventually(async () => {
      const { body } = await http('GET', `/schedulers/${scheduler}/operations?stage=final`);
      expect((body as { total: number }).total).toBe(1);
    });
    return scheduler;
  }

  beforeAll(async () => {
    await harness.start();
    api = await startManagementApi(harness);
  });
  afterAll(async () => {
    await api.close();
    await harness.stop();
  });
  afterEach(() => expect(api.problems()).toEqual([]));

  return { harness, name, game, http, camelBody, finished, settled, createdScheduler };
}
