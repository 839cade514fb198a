/**
 * Forwarding toward a backend that never answers (issue #13's chaos item): one `maestro start
 * rooms-api` process, two schedulers of 20,000 ready rooms each, one forwarder each with Maestro's
 * default 1,000 ms timeout: `bh-healthy` toward a grpc-js GRPCForwarder (this process),
 * `bh-blackhole` toward an HTTP/2 server that accepts every call and never answers. The same
 * fixed-rate ping load (latency from when each ping was due) runs first on the healthy scheduler,
 * then for a few minutes on the blackholed one, each after 10 s of unmeasured warm-up, while the
 * process's RSS, V8 heap (main thread) and the forwarding queue are sampled every 10 s. Writes bench/results/forwarding-blackhole.json.
 */
import { startBlackholeForwarder } from '../../test/support/blackhole-forwarder';
import { startTestForwarder } from '../../test/support/forwarder-server';
import { commandLine, machineInfo, setting, sleep, writeResult } from '../support/results';
import {
  forwardingCounts,
  memoryOf,
  runLoad,
  scrape,
  startRoomsApiStack,
  waitIdle,
  type RoomsApiStack,
} from './rooms-api-stack';

const CONNECTIONS = setting('BENCH_CONNECTIONS', 64);
const ROOMS = setting('BENCH_ROOMS', 20_000);
const RATE = setting('BENCH_RATE', 400);
const HEALTHY_MS = setting('BENCH_HEALTHY_DURATION_MS', 30_000);
const BLACKHOLE_MS = setting('BENCH_BLACKHOLE_DURATION_MS', 180_000);
const WARMUP_MS = 10_000;
const SAMPLE_EVERY_MS = 10_000;

async function main() {
  const machine = machineInfo();
  const healthy = await startTestForwarder();
  healthy.isRecording = false;
  const blackhole = await startBlackholeForwarder();
  const stack = await startRoomsApiStack(
    [
      { name: 'bh-healthy', forwarderAddress: healthy.address, timeoutMs: 1_000 },
      { name: 'bh-blackhole', forwarderAddress: blackhole.address, timeoutMs: 1_000 },
    ],
    ROOMS,
  );
  try {
    const before = await memoryOf(stack);
    const withHealthy = await sampled(stack, 'bh-healthy', load(stack, 'bh-healthy', HEALTHY_MS));
    await waitIdle(stack, 'bh-healthy');
    const { result, samples } = await sampled(
      stack,
      'bh-blackhole',
      load(stack, 'bh-blackhole', BLACKHOLE_MS),
    );
    const counts = await forwardingCounts(stack, 'bh-blackhole');
    writeResult('forwarding-blackhole', {
      machine,
      command: commandLine(),
      setup: {
        connections: CONNECTIONS,
        ratePerSecond: RATE,
        roomsPerScheduler: ROOMS,
        forwarderTimeoutMs: 1_000,
        limits:
          'defaults (MAESTRO_FORWARDING_MAX_IN_FLIGHT=64, MAESTRO_FORWARDING_MAX_QUEUED=10000) unless set in the command',
      },
      memoryBeforeLoad: before,
      healthyBackend: {
        durationMs: HEALTHY_MS,
        pings: withHealthy.result,
        forwarding: await forwardingCounts(stack, 'bh-healthy'),
        samples: withHealthy.samples,
      },
      blackholeBackend: {
        durationMs: BLACKHOLE_MS,
        pings: result,
        forwarding: { ...counts, callsReceivedByBlackhole: blackhole.received() },
        samples,
      },
    });
  } finally {
    await stack.stop();
    await Promise.all([healthy.close(), blackhole.close()]);
  }
}

async function load(stack: RoomsApiStack, scheduler: string, durationMs: number) {
  const result = await runLoad({
    baseUrl: stack.baseUrl,
    connections: CONNECTIONS,
    warmupMs: WARMUP_MS,
    durationMs,
    kind: 'ping',
    scheduler,
    roomCount: ROOMS,
    ratePerSecond: RATE,
  });
  const { loadGeneratorCpuSecondsPerSecond: _cpu, ...figures } = result;
  return figures;
}

/** Samples memory and the scheduler's forwarding backlog every 10 s while `work` runs. */
async function sampled<T>(stack: RoomsApiStack, scheduler: string, work: Promise<T>) {
  const startedAt = Date.now();
  const samples: Array<Record<string, number>> = [];
  let isDone = false;
  const sampling = (async () => {
    while (!isDone) {
      await sleep(SAMPLE_EVERY_MS);
      const backlog = await scrape(stack, scheduler, [
        'maestro_api_event_forwarding_queued',
        'maestro_api_event_forwarding_in_flight',
        'maestro_api_dropped_event_forwarding_total',
      ]);
      samples.push({
        atSeconds: Math.round((Date.now() - startedAt) / 1000),
        ...(await memoryOf(stack)),
        queued: backlog['maestro_api_event_forwarding_queued']!,
        inFlight: backlog['maestro_api_event_forwarding_in_flight']!,
        droppedSoFar: backlog['maestro_api_dropped_event_forwarding_total']!,
      });
    }
  })();
  const result = await work.finally(() => (isDone = true));
  await sampling;
  return { result, samples };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
