/**
 * `maestro start <APIs>` as a child process on the run's real services, with every port known,
 * for tests of what the APIs' listeners do (TLS, rate limits) as configured from the environment.
 */
import { freePort } from '../../scripts/local-infra/paths';
import type { ModuleName } from '../../src/config/load';
import { sharedInfra, uniqueSuffix } from './infra';
import { runMaestro, waitFor, type MaestroProcess } from './maestro-process';

export interface ApiProcess extends MaestroProcess {
  ports: {
    managementHttp: number;
    managementGrpc: number;
    roomsHttp: number;
    roomsGrpc: number;
    managementInternal: number;
    roomsInternal: number;
  };
  stop(): Promise<void>;
}

const isReady = (port: number) =>
  fetch(`http://127.0.0.1:${port}/readyz`).then(
    (response) => response.status === 200,
    () => false,
  );

/** Starts the modules and waits until every one is ready (throws with the output if not). */
export async function startApiProcess(
  modules: readonly ModuleName[],
  postgresUrl: string,
  env: Record<string, string>,
): Promise<ApiProcess> {
  const ports = {
    managementHttp: await freePort(),
    managementGrpc: await freePort(),
    roomsHttp: await freePort(),
    roomsGrpc: await freePort(),
    managementInternal: await freePort(),
    roomsInternal: await freePort(),
  };
  const suffix = uniqueSuffix();
  const maestro = runMaestro(['start', ...modules], {
    MAESTRO_BIND_HOST: '127.0.0.1',
    MAESTRO_POSTGRES_URL: postgresUrl,
    MAESTRO_REDIS_URL: sharedInfra().redisUrl,
    MAESTRO_REDIS_KEY_PREFIX: `it-${suffix}:`,
    MAESTRO_TEMPORAL_ADDRESS: sharedInfra().temporalAddress,
    MAESTRO_TEMPORAL_TASK_QUEUE_PREFIX: `it-${suffix}`,
    MAESTRO_MANAGEMENT_API_PORT: String(ports.managementHttp),
    MAESTRO_MANAGEMENT_API_GRPC_PORT: String(ports.managementGrpc),
    MAESTRO_MANAGEMENT_API_INTERNAL_PORT: String(ports.managementInternal),
    MAESTRO_ROOMS_API_PORT: String(ports.roomsHttp),
    MAESTRO_ROOMS_API_GRPC_PORT: String(ports.roomsGrpc),
    MAESTRO_ROOMS_API_INTERNAL_PORT: String(ports.roomsInternal),
    ...env,
  });
  const internal = modules.map((module) =>
    module === 'management-api' ? ports.managementInternal : ports.roomsInternal,
  );
  const stop = async () => {
    if (maestro.child.exitCode === null && maestro.child.signalCode === null) {
      maestro.child.kill('SIGTERM');
    }
    await maestro.exited;
  };
  const ready = await waitFor(
    () => Promise.all(internal.map(isReady)),
    (all) =>
      (all.every(Boolean) && maestro.output().includes('"msg":"started"')) ||
      maestro.child.exitCode !== null,
    90_000,
  );
  if (!ready.every(Boolean) || maestro.child.exitCode !== null) {
    await stop();
    throw new Error(`maestro did not get ready:\n${maestro.output()}`);
  }
  return { ...maestro, ports, stop };
}
