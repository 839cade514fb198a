import { createHmac, timingSafeEqual } from 'node:crypto';

/** The variable that carries a room's token into its containers. */
export const ROOM_TOKEN_VARIABLE = 'MAESTRO_ROOM_TOKEN';

/**
 * A room's secret: HMAC-SHA256 of `<scheduler>/<roomId>` keyed with the deployment's secret,
 * base64url. Deterministic, so a retried room creation gets the same token and nothing is stored.
 */
export function roomToken(secret: string, scheduler: string, roomId: string): string {
  return createHmac('sha256', secret).update(`${scheduler}/${roomId}`).digest('base64url');
}

/** `{MAESTRO_ROOM_TOKEN: <token>}`, for `CreateRoomRequest.environment`. */
export function roomTokenEnvironment(
  secret: string,
  scheduler: string,
  roomId: string,
): Record<string, string> {
  return { [ROOM_TOKEN_VARIABLE]: roomToken(secret, scheduler, roomId) };
}

/** True when `presented` is the room's token (compared in constant time). */
export function isRoomToken(
  secret: string,
  scheduler: string,
  roomId: string,
  presented: string,
): boolean {
  const expected = Buffer.from(roomToken(secret, scheduler, roomId));
  const actual = Buffer.from(presented);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
