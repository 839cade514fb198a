/**
 * The Management API's rooms listing (maestro's extension, `GET /schedulers/{name}/rooms`; see
 * test/support/management-api-http-fixture.ts): real rooms of the local runtime, pinging.
 */
import { managementApiOverHttp, match } from '../support/management-api-http-fixture';
import { eventually } from '../support/runtime-contract';

interface ListedRoom {
  id: string;
  status: string;
  [field: string]: unknown;
}

describe('Management API over HTTP: rooms of a scheduler', () => {
  const { harness, http, finished, createdScheduler } = managementApiOverHttp();

  it('lists the rooms by id with their status, reports and address, filtered by status', async () => {
    const scheduler = await createdScheduler('rooms');
    await finished(scheduler, await harness.queue.enqueue(scheduler, 'add_rooms', { amount: 2 }));
    const route = `/schedulers/${scheduler}/rooms`;
    let rooms: ListedRoom[] = [];
    await eventually(async () => {
      const { status, body } = await http('GET', route);
      expect(status).toBe(200);
      rooms = (body as { rooms: ListedRoom[] }).rooms;
      expect(rooms.map((room) => room.status)).toEqual(['ready', 'ready']);
    });

    expect(rooms.map((room) => room.id)).toEqual(rooms.map((room) => room.id).sort());
    for (const room of rooms) {
      expect(room).toEqual({
        id: match.string(new RegExp(`^${scheduler}-`)),
        version: 'v1.0.0',
        status: 'ready',
        pingStatus: 'ready',
        runningMatches: 0,
        isValidationRoom: false,
        createdAt: match.timestamp(),
        lastPingAt: match.timestamp(),
        allocatedAt: null,
        instanceStatus: 'ready',
        instanceReason: '',
        host: match.anyString(),
        ports: [{ name: 'game', protocol: 'TCP', port: expect.any(Number) as unknown }],
        metadata: match.anything(),
      });
    }

    const [occupied, ready] = [
      await http('GET', `${route}?status=occupied`),
      await http('GET', `${route}?status=ready`),
    ];
    expect(occupied.body).toEqual({ rooms: [] });
    expect((ready.body as { rooms: ListedRoom[] }).rooms).toHaveLength(2);
  });

  it('answers 404 for an unknown scheduler and 400 naming the field for an unknown status', async () => {
    const scheduler = await createdScheduler('rooms-errors');
    const unknown = await http('GET', `/schedulers/nothing-${harness.suffix}/rooms`);
    const badStatus = await http('GET', `/schedulers/${scheduler}/rooms?status=terminated`);
    const empty = await http('GET', `/schedulers/${scheduler}/rooms`);

    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual(
      match.object({ message: `scheduler nothing-${harness.suffix} not found` }),
    );
    expect(badStatus.status).toBe(400);
    expect(badStatus.body).toEqual(
      match.object({
        message: match.string(/^Validation Error:\nstatus: must be one of pending, /),
      }),
    );
    expect(empty).toEqual(match.object({ status: 200, body: { rooms: [] } }));
  });
});
