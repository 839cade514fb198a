/**
 * The Management API with access control on, assembled by the production composition root
 * (`startSystem(['management-api'])` with MAESTRO_AUTH_REQUIRED and a test identity provider), on
 * an OperationsHarness's real services: HTTP, native gRPC and the internal port, and every log
 * line it writes (audit lines included).
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { freePort } from '../../scripts/local-infra/paths';
import { loadConfig } from '../../src/config/load';
import { startSystem, type System } from '../../src/main/system';
import type { OperationsHarness } from './operations-harness';
import { signingKey, TestIdentityProvider, type SigningKey } from './oidc-provider';

export interface SecuredManagementApi {
  provider: TestIdentityProvider;
  /** The provider's first published key (RS256); an ES256 one is published too. */
  keys: { rsa: SigningKey; ec: SigningKey };
  baseUrl: string;
  grpcAddress: string;
  internalUrl: string;
  /** Every JSON line the module logged. */
  lines: () => Array<Record<string, unknown>>;
  close: () => Promise<void>;
}

export async function startSecuredManagementApi(
  harness: OperationsHarness,
): Promise<SecuredManagementApi> {
  const keys = { rsa: await signingKey('rsa-1', 'RS256'), ec: await signingKey('ec-1', 'ES256') };
  const provider = await TestIdentityProvider.start([keys.rsa, keys.ec]);
  const [http, grpc, internal] = await Promise.all([freePort(), freePort(), freePort()]);
  const config = loadConfig({
    ...harness.maestroEnvironment(),
    ...provider.environment(),
    MAESTRO_AUTH_REQUIRED: 'true',
    // API keys are read on every request, so a revocation shows at once.
    MAESTRO_API_KEY_CACHE_TTL_MS: '0',
    MAESTRO_MANAGEMENT_API_PORT: String(http),
    MAESTRO_MANAGEMENT_API_GRPC_PORT: String(grpc),
    MAESTRO_MANAGEMENT_API_INTERNAL_PORT: String(internal),
  });
  const text: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text.push(chunk.toString());
      done();
    },
  });
  const failures: unknown[] = [];
  const system: System = startSystem(
    ['management-api'],
    config,
    pino({ level: 'info' }, sink),
    (e) => failures.push(e),
  );
  await system.started;
  return {
    provider,
    keys,
    baseUrl: `http://127.0.0.1:${http}`,
    grpcAddress: `127.0.0.1:${grpc}`,
    internalUrl: `http://127.0.0.1:${internal}`,
    lines: () => text.map((line) => JSON.parse(line) as Record<string, unknown>),
    close: async () => {
      await system.stop();
      await provider.close();
      if (failures.length > 0) throw new Error(`management api failed: ${String(failures[0])}`);
    },
  };
}

/** An HTTP call with an optional `authorization` header. */
export async function authorizedCall(
  api: Pick<SecuredManagementApi, 'baseUrl'>,
  method: string,
  path: string,
  authorization?: string,
  body?: unknown,
): Promise<{ status: number; body: unknown; retryAfter: string | null }> {
  const headers: Record<string, string> = {};
  if (authorization !== undefined) headers['authorization'] = authorization;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${api.baseUrl}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text === '' ? undefined : (JSON.parse(text) as unknown),
    retryAfter: response.headers.get('retry-after'),
  };
}
