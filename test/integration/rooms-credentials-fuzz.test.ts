/**
 * Property tests of the Rooms API's two kinds of credential under bad values, wired as in
 * production (roomsAccessGuard over API keys and OIDC, room tokens checked by RoomAuthenticator) on
 * real PostgreSQL and Redis: AllocateRoom refuses every bad matchmaker credential with 401 and a
 * known reason, a room-scoped call refuses every bad room token (another room's included) with 401
 * naming the room, and neither answer echoes what was sent.
 */
import fc from 'fast-check';
import { roomToken } from '../../src/app/rooms-token';
import { uniqueSuffix } from '../support/infra';
import { badCredential, echoedLength, isRefusalMessage } from '../support/nasty-credentials';
import { fuzzSettings } from '../support/nasty-input';
import { bearer } from '../support/oidc-provider';
import { isParserRefused, sendRawRequest, type RawAnswer } from '../support/raw-http';
import { testScheduler, type RoomsApiHarness } from '../support/rooms-api-server';
import { startSecuredRoomsApi, type SecuredRoomsApi } from '../support/secured-rooms-api';

const SECRET = 'rooms-fuzz-secret-of-at-least-32-characters';

/** Bad `authorization` values sent as they are (keys and tokens to sign are the Management API's). */
const badAuthorization: fc.Arbitrary<string> = badCredential
  .filter((credential) => credential.kind === 'header')
  .map((credential) => (credential.kind === 'header' ? credential.value : ''));

describe('Rooms API under bad matchmaker credentials and room tokens', () => {
  let secured: SecuredRoomsApi;
  let api: RoomsApiHarness;
  const scheduler = `rooms-fuzz-${uniqueSuffix()}`;
  const credentialPart = (authorization: string) => authorization.replace(/^\s*bearer\s*/i, '');

  const send = (method: string, path: string, authorization: string, body: unknown) =>
    sendRawRequest(api.baseUrl, {
      method,
      path,
      headers: [
        ['content-type', 'application/json'],
        ['authorization', authorization],
      ],
      body,
    });

  /** 401 in the API's format whose message passes `isExpected` and echoes nothing sent. */
  function expectRefused(
    answer: RawAnswer,
    authorization: string,
    isExpected: (message: string) => boolean,
  ) {
    if (isParserRefused(authorization)) {
      expect(answer.status).toBe(400);
      return;
    }
    const { code, message } = answer.body as { code: unknown; message: string };
    expect({ status: answer.status, code, message, isExpected: isExpected(message) }).toEqual({
      status: 401,
      code: 16,
      message,
      isExpected: true,
    });
    expect(echoedLength(message, credentialPart(authorization))).toBeLessThanOrEqual(8);
  }

  beforeAll(async () => {
    secured = await startSecuredRoomsApi(SECRET);
    api = secured.api;
    await api.schedulers.createScheduler(testScheduler(scheduler, { game: 'fuzz' }));
  });

  afterAll(() => secured?.close());

  it('answers 401 with a known reason when 150 allocations carry a bad credential', async () => {
    await fc.assert(
      fc.asyncProperty(badAuthorization, async (authorization) => {
        const answer = await send(
          'POST',
          `/scheduler/${scheduler}/rooms/allocate`,
          authorization,
          {},
        );

        expectRefused(answer, authorization, isRefusalMessage);
      }),
      fuzzSettings(150),
    );
  });

  it('answers 401 naming the room when 150 pings carry a bad or another room’s token', async () => {
    const room = 'room-1';
    const otherRoomToken = fc
      .constantFrom(
        ['room-2', scheduler],
        [room, `${scheduler}-other`],
        [room.toUpperCase(), scheduler],
      )
      .map(([roomId, of]) => bearer(roomToken(SECRET, of, roomId)));

    await fc.assert(
      fc.asyncProperty(fc.oneof(badAuthorization, otherRoomToken), async (authorization) => {
        const answer = await send(
          'PUT',
          `/scheduler/${scheduler}/rooms/${room}/ping`,
          authorization,
          { status: 'ready', timestamp: 1 },
        );

        expectRefused(answer, authorization, (message) =>
          [
            `room ${room} of scheduler ${scheduler}: invalid room token`,
            `room ${room} of scheduler ${scheduler}: missing room token (authorization: Bearer <MAESTRO_ROOM_TOKEN>)`,
          ].includes(message),
        );
      }),
      fuzzSettings(150),
    );

    expect(api.problems()).toEqual([]);
  });
});
