import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import type { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import pino from 'pino';
import { temporalBinary } from '../../scripts/local-infra/paths';
import { dataConverterOf } from '../../src/adapters/temporal/payload-data-converter';
import { loadConfig } from '../../src/config/load';
import { startSystem, type System } from '../../src/main/system';
import { startManagementApiModule } from '../support/management-api-server';
import { OperationsHarness } from '../support/operations-harness';
import {
  historyBytes,
  isSdkMarkerData,
  isSealed,
  payloadsOf,
  rawHistory,
  type FoundPayload,
} from '../support/raw-history';
import { eventually } from '../support/runtime-contract';

const log = pino({ level: 'silent' });
const key = () => randomBytes(32).toString('base64');
const SECRET = `db-password-${randomUUID()}`;
const NEXT_SECRET = `api-token-${randomUUID()}`;
const keys = `old:${key()},new:${key()}`;
const env = { MAESTRO_PAYLOAD_KEYS: keys, MAESTRO_PAYLOAD_ACTIVE_KEY: 'old' };

type JsonPayload = { metadata: Record<string, string>; data: string };
const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')]),
  ),
  data: Buffer.from(p.data ?? []).toString('base64'),
});

/**
 * Payload encryption end to end on the real Temporal server: a scheduler whose container
 * environment holds secrets runs its workflows with encryption on, and its raw histories hold
 * none of them; the codec endpoint (and the Temporal CLI through it) shows them to its callers.
 */
describe('encrypted payloads in Temporal', () => {
  const harness = new OperationsHarness();
  const scheduler = `sealed-${harness.suffix}`;
  const namespace = 'default';
  /** The Management API as `maestro start management-api` runs it (its codec endpoint). */
  let managementApi: System;
  let codecUrl: string;
  /** The workflow whose history holds SECRET (sealed), found by decoding. */
  let secretHolder: string | undefined;

  /** The harness's scheduler with `value` in its container's environment. */
  const definitionWith = (value: string) => {
    const input = harness.schedulerInput(scheduler);
    const containers = input.spec.containers.map((container) => ({
      ...container,
      environment: [...container.environment, { name: 'DB_PASSWORD', value }],
    }));
    return { ...input, spec: { ...input.spec, containers } };
  };

  /** Every run of the harness's workflows (scheduler, operations, supervisors), raw. */
  async function rawHistories(client: Client) {
    const queues = ['operations', 'runtime-watcher', 'metrics'].map(
      (queue) => `TaskQueue = "${harness.taskQueuePrefix}-${queue}"`,
    );
    const runs: Array<{
      workflowId: string;
      bytes: Buffer;
      payloads: FoundPayload[];
      sealed: Payload[];
    }> = [];
    for await (const execution of client.workflow.list({ query: queues.join(' OR ') })) {
      const events = await rawHistory(client, namespace, execution.workflowId, execution.runId);
      runs.push({
        workflowId: execution.workflowId,
        bytes: historyBytes(events),
        payloads: payloadsOf(events),
        sealed: payloadsOf(events)
          .map(({ payload }) => payload)
          .filter(isSealed),
      });
    }
    return runs;
  }

  async function codec(
    action: 'encode' | 'decode',
    payloads: JsonPayload[],
    namespaceHeader = namespace,
  ) {
    const response = await fetch(`${codecUrl}/${action}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-namespace': namespaceHeader },
      body: JSON.stringify({ payloads }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  beforeAll(async () => {
    await harness.start({ env });
    const started = await startManagementApiModule(harness, log);
    managementApi = started.system;
    codecUrl = `${started.url}/codec`;
  });
  afterAll(async () => {
    await managementApi.stop();
    await harness.stop();
  });

  it('writes no secret and no scheduler definition in any history when encryption is on', async () => {
    await harness.commands.createScheduler(definitionWith(SECRET));
    // Operations run in order: create_scheduler has finished when add_rooms has.
    const id = await harness.queue.enqueue(scheduler, 'add_rooms', { amount: 1 });
    await harness.waitForOperation(scheduler, id, 'finished');

    let runs: Awaited<ReturnType<typeof rawHistories>> = [];
    await eventually(async () => {
      runs = await rawHistories(harness.client);
      expect(runs.map((run) => run.workflowId)).toEqual(
        expect.arrayContaining([`scheduler:${scheduler}`, id]),
      );
    });
    for (const run of runs) {
      // The search works: the workflow id is in the bytes searched.
      expect(run.bytes.includes(run.workflowId)).toBe(true);
      expect(run.bytes.includes(SECRET)).toBe(false);
      expect(run.bytes.includes('imagePullPolicy')).toBe(false);
      expect(run.bytes.includes('sample-game-room')).toBe(false);
      const plain = run.payloads.filter(({ payload }) => !isSealed(payload));
      expect(plain.filter((found) => !isSdkMarkerData(found))).toEqual([]);
    }
    expect(runs.flatMap((run) => run.sealed).length).toBeGreaterThan(3);
  });

  it('decodes the sealed payloads for a caller of the codec endpoint', async () => {
    const runs = await rawHistories(harness.client);
    const sealed = runs.flatMap((run) => run.sealed).map(toJson);

    const { status, body } = await codec('decode', sealed);

    expect(status).toBe(200);
    const decoded = body['payloads'] as JsonPayload[];
    expect(decoded).toHaveLength(sealed.length);
    const texts = decoded.map((p) => Buffer.from(p.data, 'base64').toString('utf8'));
    expect(texts.some((text) => text.includes(SECRET))).toBe(true);
    secretHolder = runs.find((run) =>
      run.sealed.some((p) =>
        texts[sealed.findIndex((q) => q.data === toJson(p).data)]?.includes(SECRET),
      ),
    )?.workflowId;
    expect(Buffer.from(decoded[0]?.metadata['encoding'] ?? '', 'base64').toString()).toMatch(
      /^json\/plain|binary\/null$/,
    );
  });

  it('answers a tampered payload with an error naming its key, and passes plain ones through', async () => {
    const [first] = (await rawHistories(harness.client)).flatMap((run) => run.sealed);
    const data = Buffer.from(first?.data ?? []);
    data[20] = (data[20] ?? 0) ^ 0xff;
    const tampered = { ...toJson(first as Payload), data: data.toString('base64') };
    const plain = {
      metadata: { encoding: Buffer.from('json/plain').toString('base64') },
      data: Buffer.from('"hi"').toString('base64'),
    };

    const refused = await codec('decode', [tampered]);
    const passed = await codec('decode', [plain]);
    const otherNamespace = await codec('decode', [plain], 'payments');

    expect(refused.status).toBe(400);
    expect(refused.body['message']).toMatch(/key "old": authentication failed/);
    expect(passed).toEqual({ status: 200, body: { payloads: [plain] } });
    expect(otherNamespace.status).toBe(400);
    expect(otherNamespace.body['message']).toContain('X-Namespace');
  });

  it('shows decoded payloads in the Temporal CLI through the codec endpoint', async () => {
    const { stdout } = await promisify(execFile)(
      temporalBinary(),
      [
        'workflow',
        'show',
        '--workflow-id',
        secretHolder ?? 'none',
        '--address',
        loadConfig(harness.maestroEnvironment()).temporal.address,
        '--codec-endpoint',
        codecUrl,
        '--output',
        'json',
      ],
      {
        env: { ...process.env, TEMPORAL_VERSION_CHECK_DISABLED: '1' },
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    const shown = payloadsOf(JSON.parse(stdout)).map(({ payload }) => ({
      encoding: Buffer.from(String(payload.metadata?.['encoding']), 'base64').toString(),
      data: Buffer.from(String(payload.data), 'base64').toString(),
    }));
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.filter((p) => p.encoding === 'binary/encrypted')).toEqual([]);
    expect(shown.some((p) => p.data.includes(SECRET))).toBe(true);
  });

  it('keeps working after a key rotation: old payloads still open, new ones use the new key', async () => {
    await harness.system?.stop();
    const rotated = loadConfig({
      ...harness.maestroEnvironment(),
      MAESTRO_PAYLOAD_ACTIVE_KEY: 'new',
    });
    harness.system = startSystem(
      ['worker', 'runtime-watcher', 'metrics-reporter', 'rooms-api'],
      rotated,
      log,
      (error) => harness.failures.push(error),
    );
    await harness.system.started;

    const id = await harness.commands.newSchedulerVersion(scheduler, definitionWith(NEXT_SECRET));
    await harness.waitForOperation(scheduler, id, 'finished', 120_000);

    const runs = await rawHistories(harness.client);
    const keyIds = new Set(
      runs
        .flatMap((run) => run.sealed)
        .map((p) =>
          new TextDecoder().decode(p.metadata?.['encryption-key-id'] ?? new Uint8Array()),
        ),
    );
    expect([...keyIds].sort()).toEqual(['new', 'old']);
    expect(runs.some((run) => run.bytes.includes(NEXT_SECRET))).toBe(false);
    expect(harness.failures).toEqual([]);
  });

  it('replays its encrypted histories on the current workflow code with the codec', async () => {
    const handle = harness.client.workflow.getHandle(`scheduler:${scheduler}`);
    const history = await handle.fetchHistory();
    await Worker.runReplayHistory(
      {
        workflowsPath: require.resolve('../../workflows'),
        dataConverter: dataConverterOf(
          loadConfig(harness.maestroEnvironment()).temporal.payloadEncryption,
        ),
      },
      history,
      `scheduler:${scheduler}`,
    );
  });
});
