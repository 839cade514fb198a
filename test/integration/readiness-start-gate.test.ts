import { createServer, type Server } from 'node:net';
import pino from 'pino';
import { freePort } from '../../scripts/local-infra/paths';
import { loadConfig } from '../../src/config/load';
import { startSystem } from '../../src/main/system';
import { OperationsHarness } from '../support/operations-harness';
import { eventually } from '../support/runtime-contract';

/**
 * A module is ready once its start resolved, not when its dependencies answer: here the
 * Management API cannot bind its public port (another process holds it), while PostgreSQL, Redis
 * and Temporal all answer. Its /readyz must not send a load balancer's traffic to that port.
 */
describe('/readyz of a module whose start has not resolved', () => {
  const harness = new OperationsHarness();
  let holder: Server;

  beforeAll(async () => {
    await harness.start({
      without: ['worker', 'runtime-watcher', 'metrics-reporter', 'rooms-api'],
    });
    holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => holder.close(resolve));
    await harness.stop();
  });

  it('answers 503 naming the start while every dependency answers', async () => {
    const held = (holder.address() as { port: number }).port;
    const internalPort = await freePort();
    const config = loadConfig({
      ...harness.maestroEnvironment(),
      MAESTRO_BIND_HOST: '127.0.0.1',
      MAESTRO_MANAGEMENT_API_PORT: String(held),
      MAESTRO_MANAGEMENT_API_GRPC_PORT: '0',
      MAESTRO_MANAGEMENT_API_INTERNAL_PORT: String(internalPort),
    });
    const system = startSystem(['management-api'], config, pino({ level: 'silent' }), () => {});
    try {
      const failure = (await system.started.catch((error: unknown) => error)) as { code?: string };
      expect(failure.code).toBe('EADDRINUSE');

      // Its connections come up on their own (Redis may still be connecting at first).
      await eventually(async () => {
        const response = await fetch(`http://127.0.0.1:${internalPort}/readyz`);
        const body = (await response.json()) as { checks: Record<string, string> };
        const dependencies = Object.entries(body.checks).filter(([name]) => name !== 'start');

        expect(dependencies.length).toBeGreaterThan(0);
        expect(dependencies.filter(([, state]) => state !== 'ok')).toEqual([]);
        expect(response.status).toBe(503);
        expect(body.checks['start']).toBe('starting');
      }, 20_000);
    } finally {
      await system.stop();
    }
  });
});
