/**
 * The Rooms API with matchmaker and room authentication on, guarded as `maestro start rooms-api`
 * guards it (roomsAccessGuard over API keys, then OpenID Connect tokens from an identity provider
 * served by the test), on the run's real PostgreSQL and Redis.
 */
import { OidcCredentialVerifier } from '../../src/adapters/oidc/oidc-credential-verifier';
import { PostgresApiKeyStore } from '../../src/adapters/postgres/postgres-api-key-store';
import { ApiKeyVerifier } from '../../src/app/api-key-verifier';
import { loadConfig } from '../../src/config/load';
import { roomsAccessGuard } from '../../src/main/modules/access-wiring';
import { signingKey, TestIdentityProvider } from './oidc-provider';
import { startRoomsApi, type RoomsApiHarness } from './rooms-api-server';

export interface SecuredRoomsApi {
  api: RoomsApiHarness;
  provider: TestIdentityProvider;
  /** Where API keys are stored (`maestro keys`' table); read on every request (no cache). */
  keys: PostgresApiKeyStore;
  close: () => Promise<void>;
}

/** Starts it with room tokens signed by `roomSecret`. */
export async function startSecuredRoomsApi(roomSecret: string): Promise<SecuredRoomsApi> {
  const provider = await TestIdentityProvider.start([await signingKey('ec-1', 'ES256')]);
  const access = loadConfig({
    ...provider.environment(),
    MAESTRO_MATCHMAKER_AUTH_REQUIRED: 'true',
  }).access;
  let keys: PostgresApiKeyStore | undefined;
  let keyVerifier: ApiKeyVerifier | undefined;
  const api = await startRoomsApi({
    auth: { isRequired: true, secret: roomSecret },
    guard: (schedulers, log, pool) => {
      keys = new PostgresApiKeyStore(pool);
      keyVerifier = new ApiKeyVerifier(keys, { cacheTtlMs: 0 });
      const verifiers = [keyVerifier, new OidcCredentialVerifier(access.oidc!)];
      return roomsAccessGuard(access, schedulers, log, () => verifiers);
    },
  });
  return {
    api,
    provider,
    keys: keys!,
    close: async () => {
      await keyVerifier?.close();
      await api.close();
      await provider.close();
    },
  };
}
