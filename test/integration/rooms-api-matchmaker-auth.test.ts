/**
 * Matchmakers allocate with their own credential when MAESTRO_MATCHMAKER_AUTH_REQUIRED is on, while
 * rooms keep their per-room tokens: a room token cannot allocate and a matchmaker credential cannot
 * ping. The Rooms API is guarded by the production wiring (roomsAccessGuard) on real PostgreSQL and
 * Redis, with an identity provider served by the test and API keys stored as `maestro keys` stores
 * them.
 */
import { create } from '@bufbuild/protobuf';
import { status, type ServiceError } from '@grpc/grpc-js';
import type { PostgresApiKeyStore } from '../../src/adapters/postgres/postgres-api-key-store';
import { generateApiKey } from '../../src/app/api-key-secrets';
import { roomToken } from '../../src/app/rooms-token';
import { Role } from '../../src/domain/access/principal';
import type { GameRoomInstance } from '../../src/domain/game-room/instance';
import { AllocateRoomRequestSchema, RoomsService } from '../../src/gen/api/v1/rooms_pb';
import { uniqueSuffix } from '../support/infra';
import { grpcClient } from '../support/management-api-grpc-client';
import { bearer, type TestIdentityProvider } from '../support/oidc-provider';
import { call, testScheduler, type RoomsApiHarness } from '../support/rooms-api-server';
import { startSecuredRoomsApi, type SecuredRoomsApi } from '../support/secured-rooms-api';

const SECRET = 'matchmaker-test-secret-of-at-least-32-characters';

describe('Rooms API with matchmaker and room authentication on', () => {
  let provider: TestIdentityProvider;
  let api: RoomsApiHarness;
  let keys: PostgresApiKeyStore;
  let secured: SecuredRoomsApi;
  let scheduler: string;
  let game: string;
  const token = (roles: string[]) => provider.token({ roles, subject: 'matchmaker' }).then(bearer);
  const roomBearer = (roomId: string) => bearer(roomToken(SECRET, scheduler, roomId));
  const allocate = (authorization?: string) =>
    call(
      api,
      'POST',
      `/scheduler/${scheduler}/rooms/allocate`,
      {},
      authorization ? { authorization } : {},
    );
  const ping = (roomId: string, authorization: string) =>
    call(
      api,
      'PUT',
      `/scheduler/${scheduler}/rooms/${roomId}/ping`,
      { status: 'ready', timestamp: 1 },
      { authorization },
    );

  async function readyRoom(roomId: string) {
    const instance: GameRoomInstance = {
      id: roomId,
      scheduler,
      version: 'v1.0.0',
      status: 'ready',
      address: { host: '10.9.9.9', ports: [{ name: 'game', protocol: 'UDP', port: 41000 }] },
      createdAt: new Date(),
    };
    await api.lifecycle.roomCreating({ id: roomId, scheduler, version: 'v1.0.0' });
    await api.lifecycle.instanceChanged({ type: 'added', instance });
    expect((await ping(roomId, roomBearer(roomId))).status).toBe(200);
  }

  beforeAll(async () => {
    secured = await startSecuredRoomsApi(SECRET);
    ({ api, provider, keys } = secured);
  });

  afterAll(() => secured.close());

  beforeEach(async () => {
    scheduler = `mm-${uniqueSuffix()}`;
    game = `game-${uniqueSuffix()}`;
    await api.schedulers.createScheduler(testScheduler(scheduler, { game }));
  });

  it('allocates a ready room for a matchmaker of the scheduler’s game', async () => {
    await readyRoom('room-1');

    const answer = await allocate(await token([`matchmaker:${game}`]));

    expect(answer).toMatchObject({ status: 200, body: { roomId: 'room-1', success: true } });
  });

  it('refuses to allocate with a room token, no credential, or a credential without matchmaker', async () => {
    await readyRoom('room-1');

    expect(await allocate(roomBearer('room-1'))).toMatchObject({
      status: 401,
      body: { code: 16, message: expect.stringContaining('unrecognized credential') as unknown },
    });
    expect(await allocate()).toMatchObject({ status: 401, body: { code: 16 } });
    expect(await allocate(await token([`admin:${game}`]))).toMatchObject({
      status: 403,
      body: {
        code: 7,
        message: `permission denied: AllocateRoom needs role matchmaker on game ${game}`,
      },
    });
    expect(await allocate(await token(['matchmaker:another-game']))).toMatchObject({
      status: 404,
      body: { code: 5, message: `scheduler ${scheduler} not found` },
    });
    // Nothing was handed out: the room is still there for the right matchmaker.
    expect(await allocate(await token(['matchmaker:*']))).toMatchObject({
      status: 200,
      body: { roomId: 'room-1' },
    });
  });

  it('takes a matchmaker API key as it takes a token, and refuses it once revoked', async () => {
    await readyRoom('room-1');
    await readyRoom('room-2');
    const apiKey = async (role: Role) => {
      const made = generateApiKey('');
      const grants = [{ role, game }];
      await keys.create({
        id: made.id,
        subject: 'mm-service',
        grants,
        secretHash: made.secretHash,
      });
      return made;
    };
    const matchmaker = await apiKey(Role.MATCHMAKER);
    const viewer = await apiKey(Role.VIEWER);

    expect(await allocate(bearer(matchmaker.key))).toMatchObject({ status: 200 });
    expect(await allocate(bearer(viewer.key))).toMatchObject({ status: 403, body: { code: 7 } });
    expect(await ping('room-2', bearer(matchmaker.key))).toMatchObject({ status: 401 });
    await keys.revoke(matchmaker.id);
    expect(await allocate(bearer(matchmaker.key))).toMatchObject({
      status: 401,
      body: { code: 16, message: expect.stringContaining('API key revoked') as unknown },
    });
  });

  it('refuses a ping carrying a matchmaker credential instead of the room’s token', async () => {
    await readyRoom('room-1');

    const answer = await ping('room-1', await token([`matchmaker:${game}`]));

    expect(answer).toMatchObject({ status: 401, body: { code: 16 } });
    expect((await ping('room-1', roomBearer('room-1'))).status).toBe(200);
  });

  it('documents the room token on room routes and the matchmaker credential on allocation in /openapi.json, served without either', async () => {
    const { status, body } = await call(api, 'GET', '/openapi.json');

    expect(status).toBe(200);
    const document = body as {
      paths: Record<string, Record<string, { security?: unknown; responses: object }>>;
      components: { securitySchemes: Record<string, { type: string; scheme: string }> };
    };
    const rooms = '/scheduler/{scheduler_name}/rooms';
    expect(document.paths[`${rooms}/{room_name}/ping`]?.['put']?.security).toEqual([
      { roomToken: [] },
    ]);
    const allocate = document.paths[`${rooms}/allocate`]?.['post'];
    expect(allocate?.security).toEqual([{ matchmakerCredential: [] }]);
    expect(Object.keys(allocate?.responses ?? {})).toEqual(
      expect.arrayContaining(['401', '403', '404', '429']),
    );
    expect(document.components.securitySchemes).toMatchObject({
      roomToken: { type: 'http', scheme: 'bearer' },
      matchmakerCredential: { type: 'http', scheme: 'bearer' },
    });
  });

  it('applies the same rule to AllocateRoom over native gRPC', async () => {
    await readyRoom('room-1');
    const rooms = grpcClient(RoomsService, api.grpcAddress);
    const request = create(AllocateRoomRequestSchema, { schedulerName: scheduler });
    const outcome = (authorization: string) =>
      rooms.call('allocateRoom', request, authorization).then(
        () => status.OK,
        (error: ServiceError) => error.code,
      );
    try {
      expect(await outcome(roomBearer('room-1'))).toBe(status.UNAUTHENTICATED);
      expect(await outcome(await token([`viewer:${game}`]))).toBe(status.PERMISSION_DENIED);
      expect(await outcome(await token([`matchmaker:${game}`]))).toBe(status.OK);
    } finally {
      rooms.close();
    }
  });
});
