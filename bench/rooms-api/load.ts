/**
 * The load generator of the Rooms API benchmark, run in its own process. Like wrk, it keeps
 * `connections` keep-alive HTTP/1.1 connections, each sending its next request as soon as the
 * previous answer arrived (closed loop), for `warmupMs` (not measured) then `durationMs`; it
 * writes requests and reads answers on raw sockets so that it takes as little CPU as it can from
 * the machine it shares with the system under test. Prints one JSON line with the figures.
 *
 * Usage: node --import tsx bench/rooms-api/load.ts '<LoadPlan JSON>'
 */
import net from 'node:net';

export interface LoadPlan {
  baseUrl: string;
  connections: number;
  warmupMs: number;
  durationMs: number;
  /** `ping`: PUT …/ping over the rooms round-robin; `allocate`: POST …/rooms/allocate. */
  kind: 'ping' | 'allocate';
  scheduler: string;
  /** Rooms `<scheduler>-000000` … pinged round-robin. */
  roomCount: number;
  /**
   * Fixed total rate instead of the closed loop: each connection sends on its own schedule, and a
   * latency counts from when the request was due, not when it could be sent (no coordinated
   * omission, as wrk2).
   */
  ratePerSecond?: number;
}

export interface LoadResult {
  requests: number;
  /** Answers received over the whole run, warmup included (the CPU figures cover both). */
  answeredWithWarmup: number;
  perSecond: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Answers that were not HTTP 200 with `success: true`, by status. */
  failures: Record<string, number>;
  /**
   * Fixed rate only: p99 of how late requests were sent (the connection's previous answer came
   * late, or the generator's own scheduling), and p50/p99 from the actual send to the answer.
   */
  sendLagP99Ms?: number;
  fromSendP50Ms?: number;
  fromSendP99Ms?: number;
  /** CPU seconds the load generator itself used per second of run (warmup included). */
  loadGeneratorCpuSecondsPerSecond: number;
}

/** The benchmark's room ids (see run.ts). */
export const roomIdOf = (scheduler: string, index: number) =>
  `${scheduler}-${String(index).padStart(6, '0')}`;

const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;

function request(plan: LoadPlan, host: string, index: number): Buffer {
  const [method, path, body] =
    plan.kind === 'allocate'
      ? ['POST', `/scheduler/${plan.scheduler}/rooms/allocate`, '{}']
      : [
          'PUT',
          `/scheduler/${plan.scheduler}/rooms/${roomIdOf(plan.scheduler, index % plan.roomCount)}/ping`,
          JSON.stringify({
            status: 'ready',
            timestamp: Math.floor(Date.now() / 1000),
            runningMatches: 0,
            metadata: { region: 'eu-west', players: 0 },
          }),
        ];
  return Buffer.from(
    `${method} ${path} HTTP/1.1\r\nhost: ${host}\r\ncontent-type: application/json\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** Reads one HTTP/1.1 answer with a content-length body off the buffer, if complete. */
function takeAnswer(buffer: Buffer): { status: number; body: string; rest: Buffer } | undefined {
  const headerEnd = buffer.indexOf('\r\n\r\n');
  if (headerEnd < 0) return undefined;
  const head = buffer.subarray(0, headerEnd).toString('latin1');
  const length = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0);
  const end = headerEnd + 4 + length;
  if (buffer.length < end) return undefined;
  return {
    status: Number(head.slice(9, 12)),
    body: buffer.subarray(headerEnd + 4, end).toString('utf8'),
    rest: buffer.subarray(end),
  };
}

async function run(plan: LoadPlan): Promise<LoadResult> {
  const url = new URL(plan.baseUrl);
  const cpuAtStart = process.cpuUsage();
  const latencies: number[] = [];
  const sendLags: number[] = [];
  const fromSend: number[] = [];
  const failures: Record<string, number> = {};
  let counter = 0;
  let answered = 0;
  const start = Date.now();
  const measureFrom = start + plan.warmupMs;
  const end = measureFrom + plan.durationMs;
  const intervalMs = plan.ratePerSecond ? (plan.connections * 1000) / plan.ratePerSecond : 0;
  const connection = (index: number) =>
    new Promise<void>((resolve, reject) => {
      const socket = net.connect(Number(url.port), url.hostname);
      socket.setNoDelay(true);
      let buffer: Buffer = Buffer.alloc(0);
      // When the request in flight was due (fixed rate) or sent (closed loop), in ms.
      let dueAt = performance.now() + (intervalMs * index) / plan.connections;
      let sentAt = 0;
      const send = () => {
        if (Date.now() >= end) {
          socket.end(resolve);
          return;
        }
        if (intervalMs === 0) dueAt = performance.now();
        else if (Date.now() >= measureFrom) sendLags.push(performance.now() - dueAt);
        sentAt = performance.now();
        socket.write(request(plan, url.host, counter++));
      };
      const sendWhenDue = () => setTimeout(send, Math.max(0, dueAt - performance.now()));
      socket.on('connect', () => (intervalMs === 0 ? send() : sendWhenDue()));
      socket.on('error', reject);
      socket.on('data', (chunk: Buffer) => {
        buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
        const answer = takeAnswer(buffer);
        if (!answer) return;
        buffer = answer.rest;
        answered += 1;
        if (Date.now() >= measureFrom) {
          latencies.push(performance.now() - dueAt);
          fromSend.push(performance.now() - sentAt);
          const isSuccess = answer.status === 200 && answer.body.includes('"success":true');
          if (!isSuccess) failures[answer.status] = (failures[answer.status] ?? 0) + 1;
        }
        if (intervalMs === 0) return send();
        dueAt += intervalMs;
        sendWhenDue();
      });
    });
  await Promise.all(Array.from({ length: plan.connections }, (_, index) => connection(index)));
  latencies.sort((a, b) => a - b);
  const round = (value: number) => Math.round(value * 100) / 100;
  const { user, system } = process.cpuUsage(cpuAtStart);
  return {
    requests: latencies.length,
    answeredWithWarmup: answered,
    perSecond: Math.round(latencies.length / (plan.durationMs / 1000)),
    p50Ms: round(percentile(latencies, 50)),
    p90Ms: round(percentile(latencies, 90)),
    p99Ms: round(percentile(latencies, 99)),
    maxMs: round(latencies[latencies.length - 1] ?? 0),
    failures,
    ...(intervalMs > 0 && {
      sendLagP99Ms: round(percentile(sendLags.sort(byValue), 99)),
      fromSendP50Ms: round(percentile(fromSend.sort(byValue), 50)),
      fromSendP99Ms: round(percentile(fromSend, 99)),
    }),
    loadGeneratorCpuSecondsPerSecond: round((user + system) / 1e6 / ((Date.now() - start) / 1000)),
  };
}

const byValue = (a: number, b: number) => a - b;

/** Without the field the run prints separately. */
export function withoutOwnCpu(
  result: LoadResult,
): Omit<LoadResult, 'loadGeneratorCpuSecondsPerSecond'> {
  const { loadGeneratorCpuSecondsPerSecond: _cpu, ...rest } = result;
  return rest;
}

if (require.main === module) {
  run(JSON.parse(process.argv[2] ?? '{}') as LoadPlan).then(
    (result) => console.log(JSON.stringify(result)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
