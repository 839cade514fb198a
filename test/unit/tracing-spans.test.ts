import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import type { SerializableSpan } from '@temporalio/interceptors-opentelemetry';
import type { WorkflowInfo } from '@temporalio/workflow';
import pino from 'pino';
import { KubeClient } from '../../src/adapters/runtime/kubernetes/kube-client';
import { Tracing } from '../../src/main/infra/tracing';
import { workflowSpanSinks } from '../../src/main/infra/workflow-span-sink';
import { maestroTracer } from '../../src/shared/tracing';

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: 'http://127.0.0.1:1' } }]
users: [{ name: u, user: { token: t } }]
contexts: [{ name: x, context: { cluster: c, user: u } }]
current-context: x
`;

describe('spans of outbound calls and of workflows', () => {
  let exporter: InMemorySpanExporter;
  let processor: SimpleSpanProcessor;
  let tracing: Tracing;
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'maestro-tracing-'));
    // Shutting a tracing down shuts its processor down: one each.
    exporter = new InMemorySpanExporter();
    processor = new SimpleSpanProcessor(exporter);
    tracing = new Tracing(
      {
        serviceName: 'maestro-unit',
        sampler: { name: 'parentbased_always_on', ratio: 1 },
        pingSampleRatio: 0,
      },
      processor,
    );
  });

  afterEach(async () => {
    await tracing.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  function kubeClient(): KubeClient {
    const kubeconfigPath = path.join(dir, 'kubeconfig');
    writeFileSync(kubeconfigPath, KUBECONFIG);
    return new KubeClient(
      { kubeconfigPath, inCluster: false, qps: 0, burst: 0 },
      pino({ level: 'silent' }),
    );
  }

  it('makes one client span per Kubernetes request, a child of the activity it runs in', async () => {
    const client = kubeClient();
    let attempts = 0;

    await maestroTracer().startActiveSpan('RunActivity:createRooms', async (activity) => {
      await client.request('create pod', () => {
        attempts++;
        return attempts < 2
          ? Promise.reject(Object.assign(new Error('overloaded'), { statusCode: 503 }))
          : Promise.resolve({ kind: 'Pod' });
      });
      activity.end();
    });

    const [request, activity] = exporter.getFinishedSpans();
    expect(request).toMatchObject({
      name: 'kubernetes create pod',
      kind: SpanKind.CLIENT,
      attributes: {
        'maestro.kubernetes.operation': 'create pod',
        'maestro.kubernetes.attempts': 2,
        'maestro.kubernetes.outcome': 'ok',
      },
    });
    expect(request!.parentSpanContext?.spanId).toBe(activity!.spanContext().spanId);
  });

  it('marks a Kubernetes request that fails for good as an error', async () => {
    const client = kubeClient();

    await expect(
      client.request('delete pod', () =>
        Promise.reject(Object.assign(new Error('forbidden'), { statusCode: 403 })),
      ),
    ).rejects.toThrow('delete pod');

    const [request] = exporter.getFinishedSpans();
    expect(request?.name).toBe('kubernetes delete pod');
    expect(request?.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('exports a workflow span from the sandbox with its parent, scope and workflow attributes', async () => {
    const sinks = workflowSpanSinks(processor, tracing.resource);
    const span: SerializableSpan = {
      name: 'RunWorkflow:operationWorkflow',
      kind: SpanKind.INTERNAL,
      spanContext: { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 },
      parentSpanId: 'c'.repeat(16),
      startTime: [1, 0],
      endTime: [2, 0],
      status: { code: SpanStatusCode.UNSET },
      attributes: { 'run.attempt': 1 },
      links: [],
      events: [],
      duration: [1, 0],
      ended: true,
      droppedAttributesCount: 0,
      droppedEventsCount: 0,
      droppedLinksCount: 0,
      instrumentationLibrary: { name: '@temporalio/interceptor-workflow' },
    };
    const info = {
      workflowId: 'op-1',
      runId: 'run-1',
      workflowType: 'operationWorkflow',
      taskQueue: 'maestro-operations',
    } as WorkflowInfo;

    await sinks.exporter.export.fn(info, [span]);

    const [exported] = exporter.getFinishedSpans();
    expect(exported).toMatchObject({
      name: 'RunWorkflow:operationWorkflow',
      parentSpanContext: { traceId: 'a'.repeat(32), spanId: 'c'.repeat(16) },
      instrumentationScope: { name: '@temporalio/interceptor-workflow' },
      attributes: {
        'run.attempt': 1,
        'temporal.workflow.id': 'op-1',
        'temporal.workflow.type': 'operationWorkflow',
        'temporal.task.queue': 'maestro-operations',
      },
    });
    expect(exported!.spanContext().spanId).toBe('b'.repeat(16));
    expect(exported!.resource.attributes['service.name']).toBe('maestro-unit');
  });
});
