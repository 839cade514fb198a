import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { checkReadiness, type ReadinessCheck } from './readiness';

export interface InternalServerDeps {
  checks: readonly ReadinessCheck[];
  registry: Registry;
  readinessTimeoutMs: number;
  /** False once shutdown began, so load balancers stop routing before servers close. */
  isAcceptingTraffic: () => boolean;
  /** False until the module's start resolved (its API listens, its worker polls). */
  isStarted: () => boolean;
  /** Metrics in Prometheus text from elsewhere in the process (the Temporal SDK's), appended. */
  externalMetrics?: () => Promise<string>;
}

/**
 * A module's internal port: `/healthz` (the process is alive), `/readyz` (the module started and
 * every dependency answers; 503 naming what does not) and `/metrics` (Prometheus text format).
 */
export function buildInternalServer(deps: InternalServerDeps): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get('/healthz', (_request, reply) => reply.send('OK'));
  app.get('/health', (_request, reply) => reply.send('OK'));
  app.get('/readyz', async (_request, reply) => {
    const report = await checkReadiness(deps.checks, deps.readinessTimeoutMs);
    if (!deps.isStarted()) {
      report.ready = false;
      report.checks['start'] = 'starting';
    }
    if (!deps.isAcceptingTraffic()) {
      report.ready = false;
      report.checks['shutdown'] = 'the module is shutting down';
    }
    const failed = Object.entries(report.checks).filter(([, outcome]) => outcome !== 'ok');
    return reply.code(report.ready ? 200 : 503).send({
      status: report.ready ? 'ready' : 'unready',
      ...(failed.length > 0 && {
        message: failed.map(([name, reason]) => `${name}: ${reason}`).join('; '),
      }),
      checks: report.checks,
    });
  });
  app.get('/metrics', async (_request, reply) => {
    const [own, external] = await Promise.all([
      deps.registry.metrics(),
      deps.externalMetrics?.() ?? '',
    ]);
    return reply
      .type(deps.registry.contentType)
      .send(external === '' ? own : `${own}\n${external}`);
  });
  return app;
}
