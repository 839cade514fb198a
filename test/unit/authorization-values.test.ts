import { Metadata } from '@grpc/grpc-js';
import { RoomAuthenticator } from '../../src/api/rooms/room-auth';
import { bearerCredential } from '../../src/api/shared/authenticate';
import {
  grpcAuthorization,
  httpAuthorization,
  SEVERAL_AUTHORIZATIONS,
} from '../../src/api/shared/authorization';
import { roomToken } from '../../src/app/rooms-token';
import { AuthenticationError } from '../../src/domain/access/errors';
import { RoomAuthenticationError } from '../../src/domain/game-room/errors';

const SECRET = 'a-very-long-secret-of-at-least-32-chars';

describe('the authorization values of a request', () => {
  it('reads one HTTP header, whatever its case, and every one when there are several', () => {
    expect(httpAuthorization({ rawHeaders: ['Host', 'h', 'Authorization', 'Bearer a'] })).toBe(
      'Bearer a',
    );
    expect(httpAuthorization({ rawHeaders: ['host', 'h'] })).toBeUndefined();
    expect(
      httpAuthorization({
        rawHeaders: ['authorization', 'Bearer a', 'AUTHORIZATION', 'Bearer b'],
      }),
    ).toEqual(['Bearer a', 'Bearer b']);
  });

  it('reads gRPC metadata the same way', () => {
    const one = new Metadata();
    one.set('authorization', 'Bearer a');
    const several = new Metadata();
    several.add('authorization', 'Bearer a');
    several.add('authorization', 'Bearer b');

    expect(grpcAuthorization(one)).toBe('Bearer a');
    expect(grpcAuthorization(new Metadata())).toBeUndefined();
    expect(grpcAuthorization(several)).toEqual(['Bearer a', 'Bearer b']);
  });

  it('refuses several credentials, even when the first alone would be accepted', () => {
    expect(bearerCredential('Bearer a')).toBe('a');
    expect(() => bearerCredential(['Bearer a', 'Bearer b'])).toThrow(
      new AuthenticationError(SEVERAL_AUTHORIZATIONS),
    );
  });

  it('refuses several room tokens, even when the first is the room’s own', () => {
    const auth = new RoomAuthenticator({ isRequired: true, secret: SECRET });
    const token = `Bearer ${roomToken(SECRET, 'tennis', 'room-1')}`;

    expect(() => auth.check('tennis', 'room-1', token)).not.toThrow();
    expect(() => auth.check('tennis', 'room-1', [token, 'Bearer other'])).toThrow(
      new RoomAuthenticationError('tennis', 'room-1', SEVERAL_AUTHORIZATIONS),
    );
  });
});
