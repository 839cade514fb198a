import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Counter } from 'prom-client';
import { RedisAutoscalerState } from '../../src/adapters/redis/redis-autoscaler-state';
import type { GameRoom } from '../../src/domain/game-room/room';
import type { WebhookRequest } from '../../src/domain/autoscaling/webhook';
import { createCa, issueCertificate } from './certificates';
import { OperationsHarness } from './operations-harness';
import { eventually } from './runtime-contract';

/** What the test webhook answers: a status and a body. */
type Answer = { status: number; body: string };

const answerDesired = (desired: unknown): Answer => ({
  status: 200,
  body: JSON.stringify({ apiVersion: 'autoscaling.maestro/v1', desired }),
});

/**
 * A scheduler following an autoscaling webhook served over HTTPS by the test, with its own CA
 * (the scheduler's `caBundle`), end to end on one runtime: the request maestro POSTs, the rooms
 * following the answers (clamped), the fallback when the webhook fails or answers nonsense, the
 * operation history recording each change of source or problem, and the calls' metric.
 */
export function describeWebhookScenario(
  runtimeKind: 'local' | 'kubernetes',
  { isHealthWatchOn = true } = {},
) {
  const caller = isHealthWatchOn ? 'health watch' : 'periodic health check, no health watch';
  describe(`autoscaling by webhook (${runtimeKind} runtime, ${caller})`, () => {
    const harness = new OperationsHarness(runtimeKind);
    const scheduler = `webhook-${harness.suffix}`;
    const dir = mkdtempSync(path.join(tmpdir(), 'webhook-it-'));
    const ca = createCa(dir, 'webhook-it-ca');
    const leaf = issueCertificate(ca, dir, 'webhook-it', 'server');
    const requests: WebhookRequest[] = [];
    let answer: Answer = answerDesired(4);
    const server = https.createServer(
      { cert: readFileSync(leaf.cert), key: readFileSync(leaf.key) },
      (request, response) => {
        let text = '';
        request.setEncoding('utf8');
        request.on('data', (chunk: string) => (text += chunk));
        request.on('end', () => {
          requests.push(JSON.parse(text) as WebhookRequest);
          response.writeHead(answer.status, { 'content-type': 'application/json' });
          response.end(answer.body);
        });
      },
    );

    const live = async () =>
      (await harness.rooms.listRooms(scheduler)).filter(
        (room: GameRoom) => room.status !== 'terminating',
      );
    const followsTo = (count: number) =>
      eventually(async () => expect(await live()).toHaveLength(count), 90_000, 250);

    /** Every line of the scheduler's health_controller operations' histories. */
    async function healthControllerLines(): Promise<string[]> {
      const { finished, active } = await harness.queue.list(scheduler);
      const runs = [...active, ...finished].filter(
        (operation) => operation.definitionName === 'health_controller',
      );
      const details = await Promise.all(runs.map((run) => harness.queue.get(scheduler, run.id)));
      return details.flatMap((detail) => detail?.executionHistory.map((e) => e.event) ?? []);
    }

    async function webhookCalls(outcome: 'ok' | 'fallback'): Promise<number> {
      const metric = harness.system!.registry.getSingleMetric(
        'maestro_autoscaler_webhook_calls_total',
      ) as Counter | undefined;
      const values = (await metric?.get())?.values ?? [];
      return values
        .filter((v) => v.labels.scheduler === scheduler && v.labels.outcome === outcome)
        .reduce((sum, v) => sum + v.value, 0);
    }

    beforeAll(async () => {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      await harness.start({
        healthControllerIntervalMs: 1_000,
        simulateRooms: true,
        env: {
          MAESTRO_ROOM_PING_TIMEOUT_MS: '4000',
          MAESTRO_ROOM_VALIDATION_TIMEOUT_MS: '30000',
          // Off: the scheduler workflow's check (every second here) asks the webhook instead.
          ...(!isHealthWatchOn && { MAESTRO_HEALTH_WATCH_INTERVAL_MS: '0' }),
        },
      });
      const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/autoscale`;
      const fixedBuffer = { type: 'fixedBuffer', parameters: { fixedBuffer: { amount: 1 } } };
      const webhook = {
        url,
        caBundle: readFileSync(ca.cert, 'utf8'),
        interval: '1s',
        timeout: '500ms',
        fallback: { type: 'policy', policy: fixedBuffer },
      };
      await harness.commands.createScheduler(
        harness.schedulerInput(
          scheduler,
          {
            autoscaling: {
              enabled: true,
              min: 1,
              max: 6,
              cooldown: 0,
              policy: { type: 'webhook', parameters: { webhook } },
            },
          },
          { isSelfPinging: false },
        ),
      );
    }, 120_000);
    afterAll(async () => {
      await harness.stop();
      server.closeAllConnections();
      server.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('follows the answers (4, then 2, then 50 clamped to 6), telling the webhook the rooms', async () => {
      await followsTo(4);
      answer = answerDesired(2);
      await followsTo(2);
      answer = answerDesired(50);
      await followsTo(6);

      const last = requests.at(-1)!;
      expect(last).toMatchObject({
        apiVersion: 'autoscaling.maestro/v1',
        scheduler: { name: scheduler, game: 'tennis' },
        min: 1,
        max: 6,
        occupancy: { runningMatches: 0 },
      });
      expect(Object.keys(last.rooms).sort()).toEqual(
        [
          'allocated',
          'active',
          'error',
          'occupied',
          'pending',
          'ready',
          'terminated',
          'terminating',
          'unready',
        ].sort(),
      );
      expect(requests.some((request) => request.rooms.ready === 4)).toBe(true);
      // The history grows with each call, up to its 10 entries, and says who decided.
      expect(requests[0]!.history).toEqual([]);
      expect(requests[1]!.history).toHaveLength(1);
      expect(last.history.length).toBeGreaterThan(1);
      expect(last.history.length).toBeLessThanOrEqual(10);
      await eventually(async () =>
        expect(requests.at(-1)!.history.at(-1)).toMatchObject({ desired: 6, source: 'webhook' }),
      );
      expect(await healthControllerLines()).toEqual(
        expect.arrayContaining([
          'autoscaler (webhook): webhook answered 4',
          'autoscaler (webhook): webhook answered 6 (clamped to [1, 6])',
        ]),
      );
    });

    it('falls back to its policy when the webhook fails, and records each new problem', async () => {
      const okCalls = await webhookCalls('ok');
      answer = { status: 500, body: 'oops' };
      await followsTo(1); // fixedBuffer 1 over no occupied room: 1
      await eventually(
        async () =>
          expect(await healthControllerLines()).toContain(
            'autoscaler (fallback:fixedBuffer): webhook unusable: HTTP 500; fallback fixedBuffer wants 1 rooms',
          ),
        30_000,
        250,
      );

      // Another problem with no room to change: a health_controller still records it.
      answer = answerDesired('many');
      await eventually(
        async () =>
          expect(await healthControllerLines()).toContain(
            'autoscaler (fallback:fixedBuffer): webhook unusable: desired must be a non-negative integer, got "many"; fallback fixedBuffer wants 1 rooms',
          ),
        30_000,
        250,
      );
      expect(await live()).toHaveLength(1);
      expect(okCalls).toBeGreaterThanOrEqual(3);
      expect(await webhookCalls('fallback')).toBeGreaterThanOrEqual(2);

      // The webhook answers again: back to its answer, recorded as such.
      answer = answerDesired(3);
      await followsTo(3);
      expect(await webhookCalls('ok')).toBeGreaterThan(okCalls);
      // Every event was recorded by an operation: none is left waiting for one.
      const state = new RedisAutoscalerState(harness.redis);
      await eventually(async () =>
        expect((await state.snapshot(scheduler, new Date())).webhookEventAt).toBeUndefined(),
      );
      expect(await healthControllerLines()).toContain('autoscaler (webhook): webhook answered 3');
    });
  });
}
