import type { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { ENCRYPTED_ENCODING } from '../../src/adapters/temporal/aes-gcm-payload-codec';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** A workflow run's history as the server stores it: read page by page, no data converter. */
export async function rawHistory(
  client: Client,
  namespace: string,
  workflowId: string,
  runId?: string,
): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await client.workflowService.getWorkflowExecutionHistory({
      namespace,
      execution: { workflowId, ...(runId && { runId }) },
      ...(nextPageToken && { nextPageToken }),
    });
    events.push(...(page.history?.events ?? []));
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken);
  return events;
}

/** The history's bytes, as protobuf: what anyone reading the server's database would see. */
export function historyBytes(events: HistoryEvent[]): Buffer {
  return Buffer.from(temporal.api.history.v1.History.encode({ events }).finish());
}

/** A payload found in a history, and where (`[3].markerRecordedEventAttributes.details.data`). */
export interface FoundPayload {
  path: string;
  payload: Payload;
}

/**
 * Every payload anywhere in the events (inputs, results, signals, markers, failures, memos) but
 * search attributes, which Temporal indexes and therefore never passes through a codec.
 */
export function payloadsOf(value: unknown, path = '', found: FoundPayload[] = []): FoundPayload[] {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return found;
  if (Array.isArray(value)) {
    value.forEach((item, index) => payloadsOf(item, `${path}[${index}]`, found));
    return found;
  }
  const record = value as Record<string, unknown>;
  const metadata = record['metadata'];
  if (metadata && typeof metadata === 'object' && 'encoding' in metadata) {
    found.push({ path, payload: record });
    return found;
  }
  for (const [field, child] of Object.entries(record)) {
    if (field !== 'searchAttributes') payloadsOf(child, `${path}.${field}`, found);
  }
  return found;
}

/**
 * The SDK's own bookkeeping in markers, written by the worker's core as plain JSON and never
 * through a codec: a `patched()` marker's patch id, a local activity's sequence and timing. The
 * local activity's result is a payload of its own, sealed.
 */
export const isSdkMarkerData = ({ path }: FoundPayload) =>
  /\.markerRecordedEventAttributes\.details\.(patch-data|data)\.payloads\[\d+\]$/.test(path);

/** The payload's `encoding` metadata as text. */
export const encodingOf = (payload: Payload) =>
  new TextDecoder().decode(payload.metadata?.['encoding'] ?? new Uint8Array());

export const isSealed = (payload: Payload) => encodingOf(payload) === ENCRYPTED_ENCODING;
