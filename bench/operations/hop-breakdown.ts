import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { percentile } from '../support/stack';
import { round } from '../support/results';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const EventType = temporal.api.enums.v1.EventType;

/** One operation as the benchmark saw it: when the API was called and the result came back. */
export interface TimedOperation {
  id: string;
  /** Epoch ms, the client's clock (the server runs on the same machine). */
  apiCalledAt: number;
  resultAt: number;
}

/**
 * Where the time of each operation goes, hop by hop, from the workflow histories' event
 * timestamps: the scheduler workflow's events that concern the operation (its enqueue signal, the
 * workflow task that handled it, the child's start, the final-status signal) and every event of
 * the operation's own workflow, each as milliseconds after the API call; then the client's wait
 * for the result after the completion event. Returns, per hop in order, the median and p99 of its
 * offset from the API call and of its gap from the hop before.
 */
export async function hopBreakdown(
  client: Client,
  schedulerWorkflowId: string,
  operations: readonly TimedOperation[],
) {
  const schedulerEvents = await allRunsEvents(client, schedulerWorkflowId);
  const offsetsByHop = new Map<string, number[]>();
  for (const operation of operations) {
    const hops = [
      ...schedulerHops(schedulerEvents, operation.id),
      ...operationHops(await allRunsEvents(client, operation.id)),
    ].sort((a, b) => a.at - b.at);
    const timeline = [
      ...hops.map((hop) => ({ name: hop.name, offset: hop.at - operation.apiCalledAt })),
      { name: 'client: result received', offset: operation.resultAt - operation.apiCalledAt },
    ];
    for (const { name, offset } of timeline) {
      const offsets = offsetsByHop.get(name) ?? [];
      offsets.push(offset);
      offsetsByHop.set(name, offsets);
    }
  }
  const hops = [...offsetsByHop.entries()]
    .map(([name, offsets]) => ({ name, offsets: [...offsets].sort((a, b) => a - b) }))
    .sort((a, b) => percentile(a.offsets, 50) - percentile(b.offsets, 50));
  return hops.map((hop, i) => {
    const previous = hops[i - 1];
    const p50 = percentile(hop.offsets, 50);
    return {
      hop: hop.name,
      seen: hop.offsets.length,
      p50Ms: round(p50, 1),
      p99Ms: round(percentile(hop.offsets, 99), 1),
      p50GapMs: round(previous ? p50 - percentile(previous.offsets, 50) : p50, 1),
    };
  });
}

/** The events of every run of a workflow id (the scheduler's continue-as-new), oldest first. */
async function allRunsEvents(client: Client, workflowId: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  for await (const execution of client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) {
    const history = await client.workflow.getHandle(workflowId, execution.runId).fetchHistory();
    events.push(...(history.events ?? []));
  }
  return events.sort((a, b) => timeOf(a) - timeOf(b));
}

/** The scheduler workflow's events that concern one operation. */
function schedulerHops(events: readonly HistoryEvent[], operationId: string) {
  const hops: { name: string; at: number }[] = [];
  const enqueued = events.findIndex((event) =>
    signalCarries(event, 'enqueueOperation', operationId),
  );
  if (enqueued === -1) return hops;
  hops.push({ name: 'scheduler: enqueue signal recorded', at: timeOf(events[enqueued]!) });
  const task = ['SCHEDULED', 'STARTED', 'COMPLETED'] as const;
  let from = enqueued;
  for (const stage of task) {
    const found = events.findIndex(
      (event, i) => i > from && event.eventType === EventType[`EVENT_TYPE_WORKFLOW_TASK_${stage}`],
    );
    if (found === -1) break;
    hops.push({
      name: `scheduler: workflow task ${stage.toLowerCase()}`,
      at: timeOf(events[found]!),
    });
    from = found;
  }
  for (const event of events) {
    const initiated = event.startChildWorkflowExecutionInitiatedEventAttributes;
    const started = event.childWorkflowExecutionStartedEventAttributes;
    if (initiated?.workflowId === operationId) {
      hops.push({ name: 'scheduler: child initiated', at: timeOf(event) });
    } else if (started?.workflowExecution?.workflowId === operationId) {
      hops.push({ name: 'scheduler: child started recorded', at: timeOf(event) });
    } else if (signalCarries(event, 'operationFinished', operationId)) {
      hops.push({ name: 'scheduler: final status signal recorded', at: timeOf(event) });
    }
  }
  return hops;
}

/** Every event of the operation's workflow, named by type and occurrence. */
function operationHops(events: readonly HistoryEvent[]) {
  const seen = new Map<string, number>();
  return events.map((event) => {
    const type = (EventType[event.eventType ?? 0] ?? 'UNKNOWN')
      .replace(/^EVENT_TYPE_/, '')
      .toLowerCase();
    const detail = event.markerRecordedEventAttributes?.markerName
      ? ` ${event.markerRecordedEventAttributes.markerName}`
      : '';
    const kind = `${type}${detail}`;
    const n = (seen.get(kind) ?? 0) + 1;
    seen.set(kind, n);
    return { name: `operation: ${kind}${n > 1 ? ` #${n}` : ''}`, at: timeOf(event) };
  });
}

function signalCarries(event: HistoryEvent, signalName: string, operationId: string): boolean {
  const signaled = event.workflowExecutionSignaledEventAttributes;
  if (signaled?.signalName !== signalName) return false;
  const payload = signaled.input?.payloads?.[0]?.data;
  return payload ? Buffer.from(payload).toString('utf8').includes(operationId) : false;
}

function timeOf(event: HistoryEvent): number {
  const time = event.eventTime;
  return Number(time?.seconds ?? 0) * 1000 + (time?.nanos ?? 0) / 1e6;
}
