import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { TRACING_WORKFLOW_INTERCEPTORS } from '../../src/adapters/temporal/workflow-bundle';
import * as workflows from '../../workflows';
import { operationMetricsSinks } from '../../src/adapters/temporal/operation-metrics-sinks';
import { RecordingOperationMetrics } from '../support/recording-operation-metrics';
import { loadHistoryFixtures } from '../support/workflow-history-fixtures';

/**
 * Workflows already running in production replay their histories on the code that is deployed
 * next. Every recorded history (test/fixtures/workflow-histories) must replay on the current
 * workflow code: a change that fails here needs `patched()` (see docs/development.md).
 */
describe('recorded workflow histories', () => {
  const fixtures = loadHistoryFixtures();

  beforeAll(() => Runtime.install({ logger: new DefaultLogger('WARN') }));

  it('cover every workflow type maestro registers', () => {
    const recorded = new Set(fixtures.map((fixture) => fixture.workflowType));

    expect([...recorded].sort()).toEqual(Object.keys(workflows).sort());
  });

  it.each([
    ['the current workflow code', []],
    // Turning tracing on deploys the bundle with the OpenTelemetry workflow interceptors.
    ['the current workflow code with the tracing interceptors', [TRACING_WORKFLOW_INTERCEPTORS]],
  ])(
    'replay on %s without non-determinism, counting no metric again',
    async (_name, workflowModules) => {
      const failures: string[] = [];
      const metrics = new RecordingOperationMetrics();

      const results = Worker.runReplayHistories(
        {
          workflowsPath: require.resolve('../../workflows'),
          interceptors: { workflowModules },
          sinks: operationMetricsSinks(metrics),
        },
        fixtures.map((fixture) => ({ workflowId: fixture.name, history: fixture.history })),
      );
      for await (const result of results) {
        if (result.error) failures.push(`${result.workflowId}: ${String(result.error)}`);
      }

      expect(failures).toEqual([]);
      expect(fixtures.length).toBeGreaterThan(20);
      expect(metrics.calls).toEqual([]);
    },
    120_000,
  );
});
