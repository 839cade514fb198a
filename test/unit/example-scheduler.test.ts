import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { decodeJsonMessage } from '../../src/api/shared/json-request';
import { fromCreateSchedulerRequest } from '../../src/api/shared/scheduler-request-codec';
import { loadConfig } from '../../src/config/load';
import { validateScheduler } from '../../src/domain/scheduler/validation';
import { CreateSchedulerRequestSchema } from '../../src/gen/api/v1/schedulers_pb';

const root = path.resolve(__dirname, '../..');
const EXAMPLE = path.join(root, 'examples/schedulers/game-room.json');

/** What POST /schedulers does with a body before the use case stores it: decode, then validate. */
function acceptAsPostSchedulers(body: unknown) {
  return validateScheduler(
    fromCreateSchedulerRequest(decodeJsonMessage(CreateSchedulerRequestSchema, body)),
  );
}

describe('examples/schedulers/game-room.json', () => {
  const body: unknown = JSON.parse(readFileSync(EXAMPLE, 'utf8'));

  it('is a scheduler the Management API accepts as it is', () => {
    const scheduler = acceptAsPostSchedulers(body);

    expect(scheduler.name).toBe('game-room');
    expect(scheduler.roomsReplicas).toBeGreaterThan(0);
    expect(scheduler.portRange).toEqual({ start: 40000, end: 40049 });
  });

  it('runs the sample game room from the working directory, as the image lays it out', () => {
    const container = acceptAsPostSchedulers(body).spec.containers[0]!;

    expect(container.command).toEqual(['node', 'examples/game-room/index.js']);
    expect(existsSync(path.join(root, container.command[1]!))).toBe(true);
    expect(container.ports.map((port) => port.name)).toEqual(['game']);
  });

  it("lets its rooms ping the Rooms API on maestro's own loopback, where they run", () => {
    const container = acceptAsPostSchedulers(body).spec.containers[0]!;
    const roomsApi = container.environment.find((v) => v.name === 'ROOMS_API_ADDRESS');

    expect(roomsApi?.value).toBe(`http://127.0.0.1:${loadConfig({}).roomsApi.port}`);
  });

  it('would be refused if it broke a scheduler rule (the check is real)', () => {
    const broken = { ...(body as object), portRange: { start: 40049, end: 40000 } };

    expect(() => acceptAsPostSchedulers(broken)).toThrow(/portRange/);
  });
});
