/**
 * What security costs per request, in CPU on this machine (issue #15): authenticating an API key
 * (cached, as every request but the first in 30 s is), an OpenID Connect token (RS256 and ES256,
 * JWKS cached after the first fetch from an HTTP endpoint), the whole Management API guard around
 * a call (authenticate, role on the game, audit line), and sealing and opening a scheduler-sized
 * Temporal payload with AES-256-GCM. Run: npm run bench:security.
 */
import { randomBytes } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import type { Payload } from '@temporalio/common';
import pino from 'pino';
import { OidcCredentialVerifier } from '../../src/adapters/oidc/oidc-credential-verifier';
import { AesGcmPayloadCodec } from '../../src/adapters/temporal/aes-gcm-payload-codec';
import { generateApiKey } from '../../src/app/api-key-secrets';
import { ApiKeyVerifier } from '../../src/app/api-key-verifier';
import { loadConfig } from '../../src/config/load';
import { SchedulersService } from '../../src/gen/api/v1/schedulers_pb';
import { managementAccessGuard } from '../../src/main/modules/access-wiring';
import type { ApiKeyStore, StoredApiKey } from '../../src/ports/api-key-store';
import type { CredentialVerifier } from '../../src/ports/credential-verifier';
import { bearer, signingKey, TestIdentityProvider } from '../../test/support/oidc-provider';
import { commandLine, machineInfo, round, setting, writeResult } from '../support/results';

const ITERATIONS = setting('BENCH_ITERATIONS', 20_000);
/** Bytes of the payload sealed: a scheduler definition with a few containers and variables. */
const PAYLOAD_BYTES = setting('BENCH_PAYLOAD_BYTES', 4_096);
const GAME = 'tennis';

/** One API key held in memory: the verifier's cache answers after the first read anyway. */
function memoryStore(key: StoredApiKey): ApiKeyStore {
  return {
    create: () => Promise.reject(new Error('not used')),
    get: (id) => Promise.resolve(id === key.id ? key : undefined),
    list: () => Promise.resolve([key]),
    revoke: () => Promise.resolve(undefined),
    recordUse: () => Promise.resolve(),
  };
}

/** CPU microseconds per call of `run` over ITERATIONS sequential calls (after a warm-up). */
async function microsecondsPerCall(run: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.min(1_000, ITERATIONS); i++) await run();
  const before = process.cpuUsage();
  for (let i = 0; i < ITERATIONS; i++) await run();
  const used = process.cpuUsage(before);
  return round((used.user + used.system) / ITERATIONS, 1);
}

async function main() {
  const machine = machineInfo();
  const silent = pino({ level: 'silent' });

  const made = generateApiKey('');
  const apiKeys = new ApiKeyVerifier(
    memoryStore({
      id: made.id,
      subject: 'bench',
      grants: [{ role: 'admin', game: GAME }],
      secretHash: made.secretHash,
      createdAt: new Date(),
    }),
  );
  const keys = [await signingKey('rsa-1', 'RS256'), await signingKey('ec-1', 'ES256')];
  const provider = await TestIdentityProvider.start(keys);
  const access = loadConfig({ ...provider.environment(), MAESTRO_AUTH_REQUIRED: 'true' }).access;
  const oidc = new OidcCredentialVerifier(access.oidc!);
  const rs256 = await provider.token({ key: keys[0], roles: [`admin:${GAME}`] });
  const es256 = await provider.token({ key: keys[1], roles: [`admin:${GAME}`] });

  const verifiers: CredentialVerifier[] = [apiKeys, oidc];
  // The Management API's guard as maestro start wires it, over a store that knows one scheduler.
  const schedulers = { getScheduler: () => Promise.resolve({ game: GAME } as never) };
  const guard = managementAccessGuard(access, schedulers, silent, () => verifiers);
  const [getScheduler] = guard([
    {
      service: SchedulersService,
      method: SchedulersService.method.getScheduler,
      invoke: () => Promise.resolve(create(SchedulersService.method.getScheduler.output)),
    },
  ]);
  const request = create(SchedulersService.method.getScheduler.input, { schedulerName: 'arena' });

  const codec = new AesGcmPayloadCodec([{ id: 'k1', key: randomBytes(32) }], 'k1');
  const payload: Payload = {
    metadata: { encoding: Buffer.from('json/plain') },
    data: randomBytes(PAYLOAD_BYTES),
  };
  const [sealed] = await codec.encode([payload]);

  try {
    writeResult('security-costs', {
      benchmark: 'CPU per request of authentication, authorization and payload encryption',
      command: 'npm run bench:security',
      exactCommand: commandLine(),
      machine,
      iterations: ITERATIONS,
      cpuMicrosecondsPerCall: {
        apiKeyVerifyCached: await microsecondsPerCall(() => apiKeys.verify(made.key)),
        oidcVerifyRs256: await microsecondsPerCall(() => oidc.verify(rs256)),
        oidcVerifyEs256: await microsecondsPerCall(() => oidc.verify(es256)),
        guardedCallApiKey: await microsecondsPerCall(() =>
          getScheduler!.invoke(request, { authorization: bearer(made.key) }),
        ),
        guardedCallRs256: await microsecondsPerCall(() =>
          getScheduler!.invoke(request, { authorization: bearer(rs256) }),
        ),
        [`payloadSeal${PAYLOAD_BYTES}B`]: await microsecondsPerCall(() => codec.encode([payload])),
        [`payloadOpen${PAYLOAD_BYTES}B`]: await microsecondsPerCall(() => codec.decode([sealed!])),
      },
      jwksFetches: provider.fetches,
    });
  } finally {
    await apiKeys.close();
    await provider.close();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
