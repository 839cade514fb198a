import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

const EventType = temporal.api.enums.v1.EventType;

/** History events that Temporal Cloud bills as actions (one each). */
const ACTION_EVENTS = new Map<number, string>([
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, 'workflow started'],
  [EventType.EVENT_TYPE_TIMER_STARTED, 'timer'],
  [EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, 'activity'],
  [EventType.EVENT_TYPE_MARKER_RECORDED, 'local activity'],
  [EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED, 'signal sent'],
  [EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES, 'search attribute upsert'],
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW, 'continue-as-new'],
]);

/** One workflow run, as the visibility listing returns it. */
export interface WorkflowRun {
  workflowId: string;
  runId: string;
  type: string;
}

export interface ActionCount {
  total: number;
  /** By kind of action (`timer`, `local activity`…). */
  byKind: Record<string, number>;
  /** By workflow type (`schedulerWorkflow`, `runtimeWatcherWorkflow`, `operationWorkflow`…). */
  byWorkflowType: Record<string, number>;
  runs: number;
}

/** Every workflow run the visibility query matches (all of the namespace without one). */
export async function listRuns(client: Client, query?: string): Promise<WorkflowRun[]> {
  const runs: WorkflowRun[] = [];
  for await (const execution of client.workflow.list(query ? { query } : {})) {
    runs.push({ workflowId: execution.workflowId, runId: execution.runId, type: execution.type });
  }
  return runs;
}

/**
 * Counts the billable events that `runs` (each once) recorded between `from` and `to`, from their
 * histories.
 * Activity heartbeats are billed too but never reach a history: see `heartbeatsPerHour`.
 */
export async function countActions(
  client: Client,
  runs: readonly WorkflowRun[],
  window: { from: Date; to: Date },
): Promise<ActionCount> {
  const unique = [...new Map(runs.map((run) => [run.runId, run])).values()];
  const count: ActionCount = { total: 0, byKind: {}, byWorkflowType: {}, runs: unique.length };
  for (const run of unique) {
    const history = await client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
    for (const event of history.events ?? []) {
      const kind = ACTION_EVENTS.get(Number(event.eventType)) ?? clientSignal(event);
      const at =
        Number(event.eventTime?.seconds ?? 0) * 1000 +
        Math.floor((event.eventTime?.nanos ?? 0) / 1e6);
      if (!kind || at < window.from.getTime() || at >= window.to.getTime()) continue;
      count.total += 1;
      count.byKind[kind] = (count.byKind[kind] ?? 0) + 1;
      count.byWorkflowType[run.type] = (count.byWorkflowType[run.type] ?? 0) + 1;
    }
  }
  return count;
}

/**
 * A signal a client sent (an API's enqueue, the health watch's nudge): billed, and in no other
 * history (a workflow's signal is counted where it was sent).
 */
function clientSignal(event: temporal.api.history.v1.IHistoryEvent): string | undefined {
  const signaled = event.workflowExecutionSignaledEventAttributes;
  const isSignaled = event.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED;
  if (!isSignaled) return undefined;
  return signaled?.externalWorkflowExecution
    ? undefined
    : `signal from a client (${signaled?.signalName ?? '?'})`;
}

/**
 * Heartbeats a scheduler's two supervisors send per hour: the workers throttle each long-running
 * activity to one heartbeat per 80% of MAESTRO_SUPERVISION_HEARTBEAT_TIMEOUT_MS
 * (src/main/modules/index.ts, `supervisionThrottle`). An estimate: they are not in any history.
 */
export function heartbeatsPerHour(heartbeatTimeoutMs: number): number {
  return SUPERVISORS_PER_SCHEDULER * (3_600_000 / (0.8 * heartbeatTimeoutMs));
}

/**
 * Activities a scheduler's two supervisors schedule per hour when their daily run ends and the
 * next one starts (`SUPERVISOR_RUN_MS` in src/main/modules/index.ts): too rare to fall into a
 * window of minutes, so added by calculation.
 */
export const SUPERVISOR_ROTATIONS_PER_HOUR = 2 / 24;

const SUPERVISORS_PER_SCHEDULER = 2;

/**
 * The Temporal server's own metering: its `action` counter (by `action_type`, namespace
 * `default`), the count Temporal bills from, heartbeats included. The dev server serves
 * Prometheus /metrics on a port it picks at random; it is found among the ports `pid` listens on.
 */
export async function meteredActions(pid: number): Promise<Record<string, number>> {
  const text = await metricsOf(pid);
  const counts: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (!line.startsWith('action{') || !line.includes('namespace="default"')) continue;
    const type = /action_type="([^"]*)"/.exec(line)?.[1] ?? '?';
    counts[type] = (counts[type] ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return counts;
}

/** `after − before` of two `meteredActions` readings, keeping what changed. */
export function meteredBetween(before: Record<string, number>, after: Record<string, number>) {
  return Object.fromEntries(
    Object.entries(after)
      .map(([type, count]) => [type, count - (before[type] ?? 0)] as const)
      .filter(([, count]) => count > 0),
  );
}

const metricsUrls = new Map<number, string>();

async function metricsOf(pid: number): Promise<string> {
  const known = metricsUrls.get(pid);
  if (known) return (await fetch(known)).text();
  for (const port of listeningPorts(pid)) {
    const url = `http://127.0.0.1:${port}/metrics`;
    const text = await fetch(url).then(
      (response) => (response.ok ? response.text() : ''),
      () => '',
    );
    if (text.startsWith('# HELP')) {
      metricsUrls.set(pid, url);
      return text;
    }
  }
  throw new Error(`no Prometheus /metrics on the ports of process ${pid}`);
}

/** TCP ports a process listens on (IPv4), from /proc. */
function listeningPorts(pid: number): number[] {
  const sockets = new Set(
    readdirSync(`/proc/${pid}/fd`)
      .map((fd) => readlinkSafely(`/proc/${pid}/fd/${fd}`))
      .filter((link) => link.startsWith('socket:['))
      .map((link) => link.slice('socket:['.length, -1)),
  );
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[3] === LISTEN && sockets.has(fields[9] ?? ''))
    .map((fields) => parseInt(fields[1]!.split(':')[1]!, 16));
}

/** State code of a listening socket in /proc/net/tcp. */
const LISTEN = '0A';

function readlinkSafely(file: string): string {
  try {
    return readlinkSync(file);
  } catch {
    return ''; // closed meanwhile
  }
}
