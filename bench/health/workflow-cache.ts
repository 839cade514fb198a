/**
 * What an eviction from the worker's workflow cache costs (issue #14), on a fleet larger than the
 * cache: the time a scheduler workflow takes to answer a query and to handle a signal when it is
 * cached, and when it was evicted and must first be replayed from its history, and the worker's
 * CPU per query either way. Used by idle-schedulers.ts at its largest size.
 *
 * Which workflows are cached is made known rather than guessed: every scheduler is queried once in
 * order (a sweep), so the last ones queried are the most recently used (cached) and the first ones
 * were pushed out by the rest of the sweep (evicted), the cache being smaller than the fleet.
 */
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { listOperationsQuery, schedulerWorkflowId } from '../../workflows/messages';
import type { MaestroProcess } from '../support/maestro-process';
import { percentile } from '../support/stack';
import { round, setting, sleep } from '../support/results';

const EventType = temporal.api.enums.v1.EventType;
/** Workflows timed in each set (cached / evicted). */
const SAMPLE = setting('BENCH_EVICTION_SAMPLE', 20);
/** Gap between two timed calls, so that no replay waits behind another. */
const GAP_MS = 500;
/** A signal no handler takes: the SDK buffers it; only its handling time is of interest. */
const WAKE_SIGNAL = 'benchWake';

export async function measureEviction(
  client: Client,
  worker: MaestroProcess,
  names: readonly string[],
  cacheSize: number,
  idleCpuPerSecond: number,
) {
  const ids = names.map(schedulerWorkflowId);
  const sample = Math.min(SAMPLE, Math.floor((ids.length - cacheSize) / 3));
  if (sample < 3) return { skipped: `${ids.length} schedulers fit the cache of ${cacheSize}` };
  const sweepStartedAt = Date.now();
  let sweepFailures = 0;
  for (let i = 0; i < ids.length; i += 2) {
    // Under load a query may time out behind the replays of the periodic wakes: counted, not fatal.
    await Promise.all(
      ids.slice(i, i + 2).map((id) => query(client, id).catch(() => (sweepFailures += 1))),
    );
  }
  const sweepSeconds = (Date.now() - sweepStartedAt) / 1000;
  const cached = ids.slice(-sample);
  const evicted = ids.slice(0, sample);
  const evictedForSignals = ids.slice(sample, 2 * sample);
  const queries = {
    cached: await timeQueries(client, worker, cached, idleCpuPerSecond),
    evicted: await timeQueries(client, worker, evicted, idleCpuPerSecond),
  };
  // After the timed pass (the evicted set is cached now, the cached set still is).
  const cachedCpuMs = await burstCpuMsPerQuery(client, worker, cached, idleCpuPerSecond);
  const signals = {
    cached: await timeSignals(client, cached),
    evicted: await timeSignals(client, evictedForSignals),
  };
  const lengths = await Promise.all(
    evicted.map(async (id) =>
      Number(
        (await client.workflow.getHandle(id).describe()).raw.workflowExecutionInfo?.historyLength,
      ),
    ),
  );
  return {
    sample,
    sweep: { queries: ids.length, failed: sweepFailures, seconds: round(sweepSeconds, 1) },
    historyEventsOfEvicted: summary(lengths),
    queryMs: { cached: queries.cached.ms, evicted: queries.evicted.ms },
    workerCpuMsPerQuery: { cached: cachedCpuMs, evicted: queries.evicted.cpuMs },
    replayCpuMsEstimated: round(queries.evicted.cpuMs - cachedCpuMs, 1),
    signalHandledMs: signals,
  };
}

const query = (client: Client, id: string) =>
  client.workflow.getHandle(id).query(listOperationsQuery);

/**
 * Each workflow queried in turn: the client's round trip, and the worker's CPU per query over the
 * set, less what the worker spends meanwhile when idle (its health checks). The CPU figure holds
 * for evicted workflows (a replay each); cached ones need `burstCpuMsPerQuery`.
 */
async function timeQueries(
  client: Client,
  worker: MaestroProcess,
  ids: readonly string[],
  idleCpuPerSecond: number,
) {
  const latencies: number[] = [];
  let cpuSeconds = 0;
  for (const id of ids) {
    const cpuBefore = worker.cpuSeconds();
    const startedAt = performance.now();
    await query(client, id);
    const ms = performance.now() - startedAt;
    await sleep(GAP_MS);
    latencies.push(ms);
    cpuSeconds += worker.cpuSeconds() - cpuBefore - idleCpuPerSecond * ((ms + GAP_MS) / 1000);
  }
  return { ms: summary(latencies), cpuMs: round((cpuSeconds * 1000) / ids.length, 1) };
}

/** Rounds of back-to-back queries over a cached set, for its CPU per query. */
const BURST_ROUNDS = 10;

/**
 * The worker's CPU per query of cached workflows: a query without a replay costs well under a
 * millisecond, less than the idle worker's CPU varies over one gapped query (and than /proc's
 * 10 ms tick), so `timeQueries`' figure for them is noise (it came out negative). Here the set is
 * queried `BURST_ROUNDS` times back to back, one CPU reading around the whole burst; querying
 * keeps them the most recently used, so none is evicted on the way.
 */
async function burstCpuMsPerQuery(
  client: Client,
  worker: MaestroProcess,
  ids: readonly string[],
  idleCpuPerSecond: number,
) {
  const cpuBefore = worker.cpuSeconds();
  const startedAt = performance.now();
  for (let round = 0; round < BURST_ROUNDS; round += 1) {
    for (const id of ids) await query(client, id);
  }
  const seconds = (performance.now() - startedAt) / 1000;
  const cpuSeconds = worker.cpuSeconds() - cpuBefore - idleCpuPerSecond * seconds;
  return round((cpuSeconds * 1000) / (ids.length * BURST_ROUNDS), 2);
}

/**
 * Each workflow signalled in turn; then, from its history (server time), how long from the signal
 * to the end of the workflow task that handled it.
 */
async function timeSignals(client: Client, ids: readonly string[]) {
  for (const id of ids) {
    await client.workflow.getHandle(id).signal(WAKE_SIGNAL);
    await sleep(GAP_MS);
  }
  await sleep(2_000);
  const handled: number[] = [];
  for (const id of ids) {
    const events = (await client.workflow.getHandle(id).fetchHistory()).events ?? [];
    const signalled = events.findLastIndex(
      (e) =>
        e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED &&
        e.workflowExecutionSignaledEventAttributes?.signalName === WAKE_SIGNAL,
    );
    const completed = events.findIndex(
      (e, i) => i > signalled && e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
    );
    if (signalled >= 0 && completed >= 0) {
      handled.push(millis(events[completed]!.eventTime) - millis(events[signalled]!.eventTime));
    }
  }
  return { ...summary(handled), handled: handled.length, sent: ids.length };
}

const millis = (time: temporal.api.history.v1.IHistoryEvent['eventTime']) =>
  Number(time?.seconds ?? 0) * 1000 + (time?.nanos ?? 0) / 1e6;

function summary(values: readonly number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return { p50: null, p90: null, max: null };
  return {
    p50: round(percentile(sorted, 50), 1),
    p90: round(percentile(sorted, 90), 1),
    max: round(sorted.at(-1)!, 1),
  };
}
