/**
 * The workflow interceptors of a traced worker (bundled only when tracing is on:
 * src/adapters/temporal/workflow-bundle.ts): @temporalio/interceptors-opentelemetry's, which make
 * spans of the workflow's run, the signals it handles, the activities and child workflows it
 * starts, and carry the trace to them in their headers — with one change: span and trace ids do
 * not draw from the workflow's random numbers.
 *
 * The package's tracer takes its ids from `Math.random`, which in a workflow is the run's seeded
 * generator that `uuid4()` also draws from: with it, every uuid4() after a span (the ids of the
 * health controller's operations) differs from the one a worker without tracing drew, and a run
 * recorded with tracing off fails to replay with it on, and the reverse
 * (test/unit/workflow-replay.test.ts). These ids come from a hash of the run id and a count of the
 * ids drawn in the run: the same on every replay, and the workflow's random numbers untouched.
 */
// First: it patches the workflow sandbox (`performance`) before the SDK below is evaluated.
import {
  OpenTelemetryInboundInterceptor,
  OpenTelemetryInternalsInterceptor,
  OpenTelemetryOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/workflow';
import type { Tracer } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  SimpleSpanProcessor,
  type IdGenerator,
} from '@opentelemetry/sdk-trace-base';
import { SpanExporter } from '@temporalio/interceptors-opentelemetry/lib/workflow/span-exporter';
import {
  workflowInfo,
  type DisposeInput,
  type Next,
  type QueryInput,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptors,
  type WorkflowInternalsInterceptor,
} from '@temporalio/workflow';

/** Ids drawn so far by each run this worker holds (module state is shared by cached runs). */
const drawnByRun: Record<string, number> = {};

/** 32 bits of a well-mixed hash of `text`, from the FNV-1a offset `basis`. */
function fnv1a(text: string, basis: number): number {
  let hash = basis >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  }
  return hash;
}

/** A 32-bit avalanche of `seed` and `n` (murmur3's finalizer). */
function mix(seed: number, n: number): number {
  let h = (seed ^ Math.imul((n + 0x9e3779b9) | 0, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/** `words` 32-bit words (8 hex digits each) from the run id and the run's next draw. */
function nextId(words: number): string {
  const { runId } = workflowInfo();
  const draw = (drawnByRun[runId] ?? 0) + 1;
  drawnByRun[runId] = draw;
  let id = '';
  for (let word = 0; word < words; word++) {
    const seed = fnv1a(runId, 0x811c9dc5 + word * 0x1000193);
    id += mix(seed, draw).toString(16).padStart(8, '0');
  }
  // An all-zero id is invalid in W3C trace context; 2^-64 at worst, but never emit one.
  return /^0+$/.test(id) ? `${id.slice(0, -1)}1` : id;
}

const runScopedIds: IdGenerator = {
  generateTraceId: () => nextId(4),
  generateSpanId: () => nextId(2),
};

let tracer: Tracer | undefined;

/** The interceptors' tracer with run-scoped ids, exporting through the worker's span sink. */
function workflowTracer(): Tracer {
  if (!tracer) {
    const provider = new BasicTracerProvider({ idGenerator: runScopedIds });
    provider.addSpanProcessor(new SimpleSpanProcessor(new SpanExporter()));
    tracer = provider.getTracer('@temporalio/interceptor-workflow');
  }
  return tracer;
}

class TracingInboundInterceptor extends OpenTelemetryInboundInterceptor {
  protected override readonly tracer = workflowTracer();

  /**
   * Queries are not in the history: a span for one would draw an id that a replay does not, and
   * the run's later ids would repeat earlier ones. The client's `QueryWorkflow` span remains.
   */
  public override handleQuery(
    input: QueryInput,
    next: Next<WorkflowInboundCallsInterceptor, 'handleQuery'>,
  ): Promise<unknown> {
    return next(input);
  }
}

class TracingOutboundInterceptor extends OpenTelemetryOutboundInterceptor {
  protected override readonly tracer = workflowTracer();
}

/** Forgets a run's draw count when the worker drops the run: a replay starts from zero again. */
class RunIdsInternalsInterceptor implements WorkflowInternalsInterceptor {
  dispose(input: DisposeInput, next: Next<WorkflowInternalsInterceptor, 'dispose'>): void {
    delete drawnByRun[workflowInfo().runId];
    next(input);
  }
}

export const interceptors = (): WorkflowInterceptors => ({
  inbound: [new TracingInboundInterceptor()],
  outbound: [new TracingOutboundInterceptor()],
  internals: [new RunIdsInternalsInterceptor(), new OpenTelemetryInternalsInterceptor()],
});
