/**
 * Authentication and per-game authorization on the Management API, started by the production
 * composition root with MAESTRO_AUTH_REQUIRED and an identity provider served by the test: HTTP and
 * native gRPC alike, on real PostgreSQL and Temporal.
 */
import { request as httpRequest } from 'node:http';
import { status, type ServiceError } from '@grpc/grpc-js';
import type { Pool } from 'pg';
import { PostgresApiKeyStore } from '../../src/adapters/postgres/postgres-api-key-store';
import { generateApiKey } from '../../src/app/api-key-secrets';
import type { Grant } from '../../src/domain/access/principal';
import { OperationsService } from '../../src/gen/api/v1/operations_pb';
import { SchedulersService, type ListSchedulersResponse } from '../../src/gen/api/v1/schedulers_pb';
import { grpcClient } from '../support/management-api-grpc-client';
import { maestroSchedulerBody } from '../support/management-api-http-fixture';
import { bearer, signingKey } from '../support/oidc-provider';
import { OperationsHarness } from '../support/operations-harness';
import {
  authorizedCall,
  startSecuredManagementApi,
  type SecuredManagementApi,
} from '../support/secured-management-api';
import { testPool } from '../support/infra';

describe('Management API with access control on', () => {
  const harness = new OperationsHarness();
  let api: SecuredManagementApi;
  const gameA = `game-a-${harness.suffix}`;
  const gameB = `game-b-${harness.suffix}`;
  const inA = `in-a-${harness.suffix}`;
  const inB = `in-b-${harness.suffix}`;
  const token = (roles: string[], subject = 'alice@studio') =>
    api.provider.token({ roles, subject }).then(bearer);
  const http = (method: string, path: string, authorization?: string, body?: unknown) =>
    authorizedCall(api, method, path, authorization, body);

  beforeAll(async () => {
    await harness.start();
    api = await startSecuredManagementApi(harness);
    await harness.commands.createScheduler(harness.schedulerInput(inA, { game: gameA }));
    await harness.commands.createScheduler(harness.schedulerInput(inB, { game: gameB }));
  }, 120_000);

  afterAll(async () => {
    await api?.close();
    await harness.stop();
  });

  describe('authentication', () => {
    it('answers 401 with a reason for each missing or bad credential, never 500', async () => {
      const expired = bearer(
        await api.provider.token({ roles: [`admin:${gameA}`], expiresIn: -300 }),
      );
      const otherAudience = bearer(await api.provider.token({ audience: 'another-api' }));
      const forged = bearer(await api.provider.token({ key: await signingKey('rsa-1', 'RS256') }));
      const cases: Array<[string | undefined, string]> = [
        [
          undefined,
          'missing credential: send `authorization: Bearer <API key or OpenID Connect token>`',
        ],
        ['Basic YWxpY2U6c2VjcmV0', 'malformed authorization: expected `Bearer <credential>`'],
        ['Bearer', 'malformed authorization: expected `Bearer <credential>`'],
        [
          'Bearer not-a-token',
          'unrecognized credential: neither an API key nor a JSON Web Token (header.payload.signature)',
        ],
        [expired, 'token has expired'],
        [otherAudience, 'token is meant for another audience'],
        [forged, 'token signature is invalid'],
      ];

      for (const [authorization, reason] of cases) {
        const answer = await http('GET', '/schedulers', authorization);
        expect(answer).toMatchObject({
          status: 401,
          body: { code: 16, message: `unauthenticated: ${reason}`, details: [] },
        });
      }
    });

    it('answers 401 to several authorization headers, even when the first alone is valid', async () => {
      const valid = await token([`viewer:${gameA}`]);
      // fetch would join them into one header; node:http sends them as they are listed.
      const answer = await new Promise<{ status: number; body: unknown }>((resolve, reject) => {
        const request = httpRequest(`${api.baseUrl}/schedulers`, (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as unknown }),
          );
        });
        request.setHeader('authorization', [valid, 'Bearer another']);
        request.on('error', reject);
        request.end();
      });

      expect((await http('GET', '/schedulers', valid)).status).toBe(200);
      expect(answer).toEqual({
        status: 401,
        body: {
          code: 16,
          message:
            'unauthenticated: several authorization values: send exactly one `authorization: Bearer <credential>`',
          details: [],
        },
      });
    });

    it('keeps the internal port (health, readiness, metrics) open', async () => {
      const health = await fetch(`${api.internalUrl}/healthz`);
      expect(health.status).toBe(200);
    });

    it('answers 503 naming the identity provider when its JWKS cannot be fetched', async () => {
      const rotated = await signingKey('rsa-unknown', 'RS256');
      const authorization = bearer(
        await api.provider.token({ key: rotated, roles: [`viewer:${gameA}`] }),
      );
      api.provider.fail();
      try {
        const answer = await http('GET', '/schedulers', authorization);
        expect(answer).toMatchObject({
          status: 503,
          body: {
            code: 14,
            message: expect.stringContaining(
              'identity provider https://id.test.maestro/',
            ) as unknown,
          },
        });
      } finally {
        api.provider.fail(false);
      }
    });
  });

  describe('authorization per game', () => {
    it('lists only the schedulers of games the caller may read', async () => {
      const viewer = await token([`viewer:${gameA}`]);
      const everyGame = await token(['viewer:*']);

      const mine = await http('GET', '/schedulers', viewer);
      const all = await http('GET', '/schedulers', everyGame);
      const info = await http('GET', `/schedulers/info?game=${gameB}`, viewer);

      const names = (body: unknown) =>
        (body as { schedulers: Array<{ name: string }> }).schedulers.map((s) => s.name);
      expect(names(mine.body)).toEqual([inA]);
      expect(names(all.body)).toEqual(expect.arrayContaining([inA, inB]));
      expect(info).toMatchObject({ status: 200, body: { schedulers: [] } });
    });

    it('answers 404 for a scheduler of another game exactly as for an unknown one', async () => {
      const viewer = await token([`viewer:${gameA}`, 'matchmaker:other-game']);

      for (const suffix of ['', '/versions', '/operations', '/operations/some-id']) {
        const foreign = await http('GET', `/schedulers/${inB}${suffix}`, viewer);
        const unknown = await http('GET', `/schedulers/no-such-${harness.suffix}${suffix}`, viewer);
        expect(foreign.status).toBe(404);
        expect(foreign.body).toEqual({
          ...(unknown.body as object),
          message: (unknown.body as { message: string }).message.replace(
            `no-such-${harness.suffix}`,
            inB,
          ),
        });
      }
      expect((await http('GET', `/schedulers/${inA}`, viewer)).status).toBe(200);
    });

    it('answers 403 naming the missing role and the game to a caller with a lower role', async () => {
      const viewer = await token([`viewer:${gameA}`]);
      const operator = await token([`operator:${gameA}`]);

      const deleted = await http('DELETE', `/schedulers/${inA}`, viewer);
      const canceled = await http('POST', `/schedulers/${inA}/operations/op-1/cancel`, viewer);
      const switched = await http('PUT', `/schedulers/${inA}`, operator, { activeVersion: 'v1' });

      expect(deleted).toMatchObject({
        status: 403,
        body: {
          code: 7,
          message: `permission denied: DeleteScheduler needs role admin on game ${gameA}`,
        },
      });
      expect(canceled.body).toMatchObject({
        message: `permission denied: CancelOperation needs role operator on game ${gameA}`,
      });
      expect(switched.body).toMatchObject({
        message: `permission denied: SwitchActiveVersion needs role admin on game ${gameA}`,
      });
      // An operator passes access control; the operation itself is unknown.
      expect(
        (await http('POST', `/schedulers/${inA}/operations/op-1/cancel`, operator)).status,
      ).toBe(404);
    });

    it('lets an admin create schedulers of its game only, and audits each attempt', async () => {
      const admin = await api.provider.token({
        roles: [`admin:${gameA}`],
        subject: 'ops-bot',
        claims: { jti: 'jti-7' },
      });
      const created = await http(
        'POST',
        '/schedulers',
        bearer(admin),
        maestroSchedulerBody(harness, { name: `new-${harness.suffix}`, game: gameA }),
      );
      const refused = await http(
        'POST',
        '/schedulers',
        bearer(admin),
        maestroSchedulerBody(harness, { name: `other-${harness.suffix}`, game: gameB }),
      );

      expect(created.status).toBe(200);
      expect(refused).toMatchObject({
        status: 403,
        body: { message: `permission denied: CreateScheduler needs role admin on game ${gameB}` },
      });
      const audit = api
        .lines()
        .filter((line) => line['audit'] === true && line['subject'] === 'ops-bot');
      expect(audit).toEqual([
        expect.objectContaining({
          rpc: 'CreateScheduler',
          credentialId: 'https://id.test.maestro/#jti-7',
          kind: 'oidc',
          game: gameA,
          outcome: 'allowed',
          status: 'OK',
        }),
        expect.objectContaining({
          rpc: 'CreateScheduler',
          game: gameB,
          outcome: 'denied',
          status: 'PERMISSION_DENIED',
        }),
      ]);
      expect(JSON.stringify(api.lines())).not.toContain(admin);
    });

    it('audits unauthenticated attempts to change something', async () => {
      await http('DELETE', `/schedulers/${inA}`, 'Bearer a.b.c');

      expect(api.lines()).toContainEqual(
        expect.objectContaining({
          audit: true,
          rpc: 'DeleteScheduler',
          subject: 'anonymous',
          outcome: 'unauthenticated',
          reason: 'unauthenticated: token is malformed',
        }),
      );
    });
  });

  describe('API keys', () => {
    let pool: Pool;
    let keys: PostgresApiKeyStore;

    beforeAll(() => {
      pool = testPool(harness.database.url);
      keys = new PostgresApiKeyStore(pool);
    });
    afterAll(() => pool.end());

    /** A key stored as `maestro keys create` stores it. */
    async function apiKey(subject: string, grants: Grant[]) {
      const made = generateApiKey('');
      await keys.create({ id: made.id, subject, grants, secretHash: made.secretHash });
      return made;
    }

    it('grants a key its roles on its games over HTTP and gRPC, audited by key id, until revoked', async () => {
      const made = await apiKey('tennis-ci', [{ role: 'admin', game: gameA }]);
      const listed = await http('GET', '/schedulers', bearer(made.key));
      const refused = await http('DELETE', `/schedulers/${inB}`, bearer(made.key));
      const canceled = await http(
        'POST',
        `/schedulers/${inA}/operations/op-1/cancel`,
        bearer(made.key),
      );
      const schedulers = grpcClient(SchedulersService, api.grpcAddress);
      try {
        const overGrpc = await schedulers.call<ListSchedulersResponse>(
          'listSchedulers',
          {},
          bearer(made.key),
        );
        expect(overGrpc.schedulers.map((s) => s.name)).toContain(inA);
        expect(overGrpc.schedulers.every((s) => s.game === gameA)).toBe(true);
      } finally {
        schedulers.close();
      }

      const listedSchedulers = (
        listed.body as { schedulers: Array<{ name: string; game: string }> }
      ).schedulers;
      expect(listed.status).toBe(200);
      expect(listedSchedulers.map((s) => s.name)).toContain(inA);
      expect(listedSchedulers.every((s) => s.game === gameA)).toBe(true);
      expect(refused).toMatchObject({ status: 404 });
      // Past access control: the operation does not exist.
      expect(canceled).toMatchObject({
        status: 404,
        body: { message: expect.stringContaining('op-1') as unknown },
      });
      expect(api.lines()).toContainEqual(
        expect.objectContaining({
          audit: true,
          rpc: 'CancelOperation',
          subject: 'tennis-ci',
          credentialId: made.id,
          kind: 'api_key',
          outcome: 'allowed',
        }),
      );
      expect(JSON.stringify(api.lines())).not.toContain(made.secret);

      await keys.revoke(made.id);
      expect(await http('GET', '/schedulers', bearer(made.key))).toMatchObject({
        status: 401,
        body: { code: 16, message: 'unauthenticated: API key revoked' },
      });
    });

    it('answers the same 401 to a made-up id and to a wrong secret', async () => {
      const made = await apiKey('tennis-ci', [{ role: 'viewer', game: '*' }]);
      const wrongSecret = `mk_${made.id}_${'A'.repeat(43)}`;
      const unknownId = `mk_${'0'.repeat(16)}_${made.secret}`;

      for (const key of [wrongSecret, unknownId]) {
        expect(await http('GET', '/schedulers', bearer(key))).toMatchObject({
          status: 401,
          body: { code: 16, message: 'unauthenticated: invalid API key' },
        });
      }
      expect(await http('GET', '/schedulers', bearer('mk_short'))).toMatchObject({
        status: 401,
        body: { message: 'unauthenticated: malformed API key: expected mk_<id>_<secret>' },
      });
    });
  });

  describe('over native gRPC', () => {
    const code = (call: Promise<unknown>) =>
      call.then(
        () => ({ code: status.OK, details: '' }),
        (error: ServiceError) => ({ code: error.code, details: error.details }),
      );

    it('enforces the same rules as HTTP', async () => {
      const schedulers = grpcClient(SchedulersService, api.grpcAddress);
      const operations = grpcClient(OperationsService, api.grpcAddress);
      const viewer = await token([`viewer:${gameA}`]);
      try {
        expect(await code(schedulers.call('listSchedulers', {}))).toEqual({
          code: status.UNAUTHENTICATED,
          details:
            'unauthenticated: missing credential: send `authorization: Bearer <API key or OpenID Connect token>`',
        });
        const listed = await schedulers.call<ListSchedulersResponse>('listSchedulers', {}, viewer);
        expect(listed.schedulers.map((s) => s.name)).toContain(inA);
        expect(listed.schedulers.every((s) => s.game === gameA)).toBe(true);
        expect(await code(schedulers.call('getScheduler', { schedulerName: inB }, viewer))).toEqual(
          {
            code: status.NOT_FOUND,
            details: `scheduler ${inB} not found`,
          },
        );
        expect(
          await code(schedulers.call('deleteScheduler', { schedulerName: inA }, viewer)),
        ).toEqual({
          code: status.PERMISSION_DENIED,
          details: `permission denied: DeleteScheduler needs role admin on game ${gameA}`,
        });
        expect(
          await code(operations.call('listOperations', { schedulerName: inB }, viewer)),
        ).toMatchObject({
          code: status.NOT_FOUND,
        });
        expect(await code(schedulers.call('getScheduler', { schedulerName: inA }, viewer))).toEqual(
          { code: status.OK, details: '' },
        );
      } finally {
        schedulers.close();
        operations.close();
      }
    });
  });
});
