/**
 * The Rooms API over HTTP as rooms and matchmakers call it (test/support/rooms-api-http-fixture.ts):
 * room addresses, allocation, routing and the OpenAPI document of the routes.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPIV3_1 } from 'openapi-types';
import { registerRoomsRoutes } from '../../src/api/rooms/http-routes';
import { createHttpApp } from '../../src/api/shared/http-app';
import { call, type RoomsApiHarness } from '../support/rooms-api-server';
import { roomsApiOverHttp } from '../support/rooms-api-http-fixture';
import { uniqueSuffix } from '../support/infra';

describe('Rooms API over HTTP', () => {
  const { current, placed, instance, createdRoom, ping } = roomsApiOverHttp();
  let api: RoomsApiHarness;
  let scheduler: string;
  beforeEach(() => ({ api, scheduler } = current()));

  describe('GET /scheduler/{s}/rooms/{r}/address', () => {
    it('answers the room’s host and ports with an empty ipv6Label', async () => {
      placed.set(`${scheduler}/room-1`, instance('room-1').address);

      const answer = await call(api, 'GET', `/scheduler/${scheduler}/rooms/room-1/address`);

      expect(answer).toEqual({
        status: 200,
        body: {
          ports: [
            { name: 'game', protocol: 'UDP', port: 40123 },
            { name: 'clientPort', protocol: 'TCP', port: 40124 },
          ],
          host: '10.1.2.3',
          ipv6Label: '',
        },
      });
    });

    it('answers 400 FailedPrecondition for a room without a host yet, never a crash', async () => {
      const answer = await call(api, 'GET', `/scheduler/${scheduler}/rooms/unplaced/address`);

      expect(answer).toEqual({
        status: 400,
        body: {
          code: 9,
          message: `room unplaced of scheduler ${scheduler} has no host yet`,
          details: [],
        },
      });
    });
  });

  describe('POST /scheduler/{s}/rooms/allocate', () => {
    it('hands out a ready room with its host and ports, and never the same room twice', async () => {
      await createdRoom('room-1');
      await ping('room-1', { status: 'ready' });

      const first = await call(api, 'POST', `/scheduler/${scheduler}/rooms/allocate`, {});
      const second = await call(api, 'POST', `/scheduler/${scheduler}/rooms/allocate`);

      expect(first).toEqual({
        status: 200,
        body: {
          roomId: 'room-1',
          success: true,
          message: '',
          host: '10.1.2.3',
          ports: [
            { name: 'game', protocol: 'UDP', port: 40123 },
            { name: 'clientPort', protocol: 'TCP', port: 40124 },
          ],
        },
      });
      expect(second).toEqual({
        status: 429,
        body: {
          code: 8,
          message: `no ready rooms available for scheduler ${scheduler}`,
          details: [],
        },
      });
      expect(await api.rooms.getRoom(scheduler, 'room-1')).toMatchObject({ status: 'allocated' });
    });

    it('gives each of 20 ready rooms to exactly one of 50 concurrent matchmakers', async () => {
      const ids = Array.from({ length: 20 }, (_, i) => `room-${i}`);
      for (const id of ids) {
        await createdRoom(id);
        await ping(id, { status: 'ready' });
      }

      const answers = await Promise.all(
        Array.from({ length: 50 }, () =>
          call(api, 'POST', `/scheduler/${scheduler}/rooms/allocate`, {}),
        ),
      );

      const allocated = answers
        .filter((a) => a.status === 200)
        .map((a) => (a.body as { roomId: string }).roomId);
      expect(allocated.sort()).toEqual([...ids].sort());
      expect(answers.filter((a) => a.status === 429)).toHaveLength(30);
    });

    it('answers 404 for an unknown scheduler', async () => {
      const name = `missing-${uniqueSuffix()}`;

      expect(await call(api, 'POST', `/scheduler/${name}/rooms/allocate`, {})).toEqual({
        status: 404,
        body: { code: 5, message: `scheduler ${name} not found`, details: [] },
      });
    });
  });

  describe('routing', () => {
    it('answers 404 for an unknown path and 501 for a known path with another method', async () => {
      expect(await call(api, 'GET', `/scheduler/${scheduler}/rooms/r/nothing`)).toMatchObject({
        status: 404,
      });
      expect(await call(api, 'DELETE', `/scheduler/${scheduler}/rooms/r/ping`)).toEqual({
        status: 501,
        body: { code: 12, message: 'Method Not Allowed', details: [] },
      });
    });
  });

  describe('GET /openapi.json', () => {
    it('serves a valid OpenAPI 3.1 document listing exactly the routes the server registers', async () => {
      const app = createHttpApp(api.deps.log);
      const registered: string[] = [];
      app.addHook('onRoute', (route) => {
        for (const method of [route.method].flat()) registered.push(`${method} ${route.url}`);
      });
      registerRoomsRoutes(app, api.deps);
      await app.ready();

      const { status, body } = await call(api, 'GET', '/openapi.json');
      await app.close();

      expect(status).toBe(200);
      const document = body as OpenAPIV3_1.Document;
      await SwaggerParser.validate(structuredClone(document));
      const documented = Object.entries(document.paths!).flatMap(([route, item]) =>
        Object.keys(item!).map(
          (method) => `${method.toUpperCase()} ${route.replace(/\{([^}]+)\}/g, ':$1')}`,
        ),
      );
      expect(documented.sort()).toEqual(registered.sort());
      expect(registered).toHaveLength(7);
      expect(document.components?.securitySchemes).toBeUndefined();
    });

    it('answers an allocation with every property its OpenAPI schema requires and no other', async () => {
      await createdRoom('room-1');
      await ping('room-1', { status: 'ready' });
      const { body } = await call(api, 'GET', '/openapi.json');
      const schema = (body as OpenAPIV3_1.Document).components!.schemas![
        'api.v1.AllocateRoomResponse'
      ]!;

      const allocated = await call(api, 'POST', `/scheduler/${scheduler}/rooms/allocate`, {});

      const keys = Object.keys(allocated.body as object);
      expect(keys.sort()).toEqual([...schema.required!].sort());
      expect(Object.keys(schema.properties!).sort()).toEqual(keys.sort());
    });
  });

  it('logged no unexpected failure', () => {
    expect(api.problems().filter((line) => line.msg !== 'event forwarding failed')).toEqual([]);
  });
});
