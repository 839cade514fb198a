/**
 * Forwarding under a burst of pings (issue #13): a fresh `maestro start rooms-api` process, 64
 * keep-alive connections in a closed loop over 10,000 ready rooms, one gRPC forwarder (the test
 * suite's grpc-js GRPCForwarder, in this process). Two phases: the cold burst as the issue saw it
 * (a fast backend), then a backend taking 20 ms a call, slower than the pings, so that resyncs
 * queue and coalesce. After each phase the forwarding queue is left to drain, then every
 * recorded ping must be accounted for as forwarded or coalesced, with nothing failed or dropped.
 * Writes bench/results/forwarding-burst.json.
 */
import { startTestForwarder } from '../../test/support/forwarder-server';
import { commandLine, machineInfo, setting, writeResult } from '../support/results';
import {
  forwardingCounts,
  runLoad,
  startRoomsApiStack,
  waitIdle,
  type RoomsApiStack,
} from './rooms-api-stack';

const CONNECTIONS = setting('BENCH_CONNECTIONS', 64);
const ROOMS = setting('BENCH_ROOMS', 10_000);
const DURATION_MS = setting('BENCH_DURATION_MS', 15_000);
const SLOW_BACKEND_MS = 20;

async function main() {
  const machine = machineInfo();
  const backend = await startTestForwarder();
  backend.isRecording = false;
  const schedulers = ['burst-fast', 'burst-slow'].map((name) => ({
    name,
    forwarderAddress: backend.address,
    timeoutMs: 1_000,
  }));
  const stack = await startRoomsApiStack(schedulers, ROOMS);
  try {
    const fast = await phase(stack, 'burst-fast', () => backend.count());
    backend.delayMs = SLOW_BACKEND_MS;
    const slow = await phase(stack, 'burst-slow', () => backend.count());
    // BENCH_RESULT_NAME=forwarding-burst-before: the same run against the sources before #13.
    writeResult(process.env['BENCH_RESULT_NAME'] ?? 'forwarding-burst', {
      machine,
      command: commandLine(),
      setup: {
        connections: CONNECTIONS,
        rooms: ROOMS,
        durationMs: DURATION_MS,
        forwarderTimeoutMs: 1_000,
        limits:
          'defaults (MAESTRO_FORWARDING_MAX_IN_FLIGHT=64, MAESTRO_FORWARDING_MAX_QUEUED=10000) unless set in the command',
        processes:
          'one `maestro start rooms-api` process (forwarding on its worker thread), started just before the first phase; PostgreSQL, Redis, the backend (in this process) and the load generator on the same cores',
      },
      coldBurstFastBackend: fast,
      slowBackend: { backendDelayMs: SLOW_BACKEND_MS, ...slow },
    });
  } finally {
    await stack.stop();
    await backend.close();
  }
}

async function phase(stack: RoomsApiStack, scheduler: string, received: () => number) {
  const receivedBefore = received();
  const load = await runLoad({
    baseUrl: stack.baseUrl,
    connections: CONNECTIONS,
    warmupMs: 0,
    durationMs: DURATION_MS,
    kind: 'ping',
    scheduler,
    roomCount: ROOMS,
  });
  const drainStartedAt = Date.now();
  await waitIdle(stack, scheduler);
  const counts = await forwardingCounts(stack, scheduler);
  const refused = Object.values(load.failures).reduce((sum, n) => sum + n, 0);
  const recorded = load.requests - refused;
  return {
    pings: { recorded, refused, perSecond: load.perSecond, p50Ms: load.p50Ms, p99Ms: load.p99Ms },
    forwarding: {
      ...counts,
      receivedByBackend: received() - receivedBefore,
      drainAfterLoadMs: Date.now() - drainStartedAt,
      everyPingAccountedFor:
        counts.forwarded + counts.coalesced + counts.failed + counts.dropped === recorded,
    },
  };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
