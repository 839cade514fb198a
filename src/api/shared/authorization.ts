/**
 * The `authorization` a request carried: one value, none, or several (an array of two or more).
 * Several are refused wherever a credential is read (UNAUTHENTICATED): Node keeps the first
 * header, a proxy in front may have judged another one, so which of them speaks for the caller
 * would be ambiguous.
 */
import type { Metadata } from '@grpc/grpc-js';
import type { IncomingMessage } from 'node:http';

export type Authorization = string | readonly string[] | undefined;

/** What a caller that sent several `authorization` values is told. */
export const SEVERAL_AUTHORIZATIONS =
  'several authorization values: send exactly one `authorization: Bearer <credential>`';

/** The `authorization` headers of an HTTP request, as sent (Node's `headers` keeps the first). */
export function httpAuthorization(request: Pick<IncomingMessage, 'rawHeaders'>): Authorization {
  const values: string[] = [];
  const raw = request.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() === 'authorization') values.push(raw[i + 1]!);
  }
  return values.length > 1 ? values : values[0];
}

/** The `authorization` metadata values of a gRPC call. */
export function grpcAuthorization(metadata: Metadata): Authorization {
  const values = metadata.get('authorization').filter((v): v is string => typeof v === 'string');
  return values.length > 1 ? values : values[0];
}

/** The one value sent, if any; `several()` is thrown when there were more. */
export function singleAuthorization(
  authorization: Authorization,
  several: () => Error,
): string | undefined {
  if (authorization === undefined || typeof authorization === 'string') return authorization;
  throw several();
}
