import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { OperationQueue } from '../../src/ports/operation-queue';
import { round } from './results';

const EventType = temporal.api.enums.v1.EventType;

/**
 * The scheduler's operations since `startedAt` (seconds after it), each with its execution
 * history and, from its workflow history, when its activities were scheduled and completed: where
 * the time of an operation went.
 */
export async function operationTimeline(
  client: Client,
  queue: OperationQueue,
  scheduler: string,
  startedAt: number,
) {
  const { pending, active, finished } = await queue.list(scheduler);
  const since = (iso: string) => round((Date.parse(iso) - startedAt) / 1000, 2);
  return Promise.all(
    [...finished, ...active, ...pending].map(async (operation) => {
      const details = await queue.get(scheduler, operation.id);
      return {
        definitionName: operation.definitionName,
        status: operation.status,
        createdAtSeconds: since(operation.createdAt),
        updatedAtSeconds: since(operation.updatedAt),
        events: details?.executionHistory.map((e) => `${since(e.createdAt)} s: ${e.event}`) ?? [],
        activities: await activityTimes(client, operation.id, startedAt),
      };
    }),
  );
}

/** Per activity type: how many, first scheduled, last completed, and their durations (s). */
async function activityTimes(client: Client, workflowId: string, startedAt: number) {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const scheduled = new Map<number, { type: string; at: number }>();
  const byType: Record<string, { at: number; durations: number[]; lastCompleted: number }> = {};
  for (const event of history.events ?? []) {
    const at = Number(event.eventTime?.seconds ?? 0) * 1000 + (event.eventTime?.nanos ?? 0) / 1e6;
    if (event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
      const type = event.activityTaskScheduledEventAttributes?.activityType?.name ?? '?';
      scheduled.set(Number(event.eventId), { type, at });
    } else if (event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) {
      const id = Number(event.activityTaskCompletedEventAttributes?.scheduledEventId);
      const start = scheduled.get(id);
      if (!start) continue;
      const entry = (byType[start.type] ??= { at: start.at, durations: [], lastCompleted: 0 });
      entry.at = Math.min(entry.at, start.at);
      entry.durations.push((at - start.at) / 1000);
      entry.lastCompleted = Math.max(entry.lastCompleted, at);
    }
  }
  return Object.fromEntries(
    Object.entries(byType).map(([type, entry]) => {
      const sorted = entry.durations.sort((a, b) => a - b);
      return [
        type,
        {
          count: sorted.length,
          firstScheduledSeconds: round((entry.at - startedAt) / 1000, 2),
          lastCompletedSeconds: round((entry.lastCompleted - startedAt) / 1000, 2),
          durationSeconds: {
            min: round(sorted[0]!, 2),
            median: round(sorted[Math.floor(sorted.length / 2)]!, 2),
            max: round(sorted.at(-1)!, 2),
          },
        },
      ];
    }),
  );
}
