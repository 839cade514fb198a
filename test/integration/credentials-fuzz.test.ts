/**
 * Property tests of the Management API's access control under bad credentials and odd headers, as
 * `maestro start management-api` runs it with MAESTRO_AUTH_REQUIRED (HTTP, native gRPC and the
 * codec endpoint), on real PostgreSQL and Temporal: odd `authorization` text, API keys and JWTs of
 * every wrong shape, tokens of unknown keys or refused claims, grants claims with near-miss game
 * names. Every bad credential is 401 / UNAUTHENTICATED with a known reason that never echoes it,
 * nothing is stored, and valid callers are still served.
 */
import { randomBytes } from 'node:crypto';
import { status, type ServiceError } from '@grpc/grpc-js';
import fc from 'fast-check';
import { SignJWT } from 'jose';
import type { Pool } from 'pg';
import { PostgresApiKeyStore } from '../../src/adapters/postgres/postgres-api-key-store';
import { SEVERAL_AUTHORIZATIONS } from '../../src/api/shared/authorization';
import { generateApiKey, type NewApiKey } from '../../src/app/api-key-secrets';
import { Role } from '../../src/domain/access/principal';
import { MAX_SUBJECT_LENGTH, subjectProblem } from '../../src/domain/access/subject';
import { SchedulersService } from '../../src/gen/api/v1/schedulers_pb';
import { grpcClient } from '../support/management-api-grpc-client';
import {
  badCredential,
  echoedLength,
  headerValue,
  hugeBearer,
  isRefusalMessage,
  mangledSecret,
  type BadCredential,
} from '../support/nasty-credentials';
import { expectClientError, fuzzSettings } from '../support/nasty-input';
import { grantsClaim, rolesOn } from '../support/nasty-grants';
import {
  bearer,
  signingKey,
  TEST_AUDIENCE,
  TEST_ISSUER,
  type SigningKey,
} from '../support/oidc-provider';
import { OperationsHarness } from '../support/operations-harness';
import { isParserRefused, sendRawRequest, type RawAnswer } from '../support/raw-http';
import { validBody } from '../support/scheduler-fuzz';
import {
  startSecuredManagementApi,
  type SecuredManagementApi,
} from '../support/secured-management-api';
import { testPool } from '../support/infra';

/** An odd subject a token may carry: any Unicode, up to the longest accepted. */
const oddSubject = fc
  .string({ unit: 'binary', minLength: 1, maxLength: MAX_SUBJECT_LENGTH })
  .filter((subject) => subjectProblem(subject) === undefined);

/** A subject no credential may carry: control characters, too long, blank, or maestro's own. */
const badSubject = fc
  .oneof(
    fc.string({ unit: 'binary', minLength: 1 }),
    fc.string({ minLength: MAX_SUBJECT_LENGTH + 1, maxLength: 3_000 }),
    // (An empty `sub` is the verifier's own refusal: `token has no subject`.)
    fc.stringMatching(/^\s{1,5}$/),
    fc.string().map((rest) => `maestro:${rest}`),
  )
  .filter((subject) => subjectProblem(subject) !== undefined);

const schedulerNames = (answer: RawAnswer) =>
  ((answer.body as { schedulers?: Array<{ name: string }> }).schedulers ?? []).map((s) => s.name);

const PAYLOAD_KEY = `fuzz:${randomBytes(32).toString('base64')}`;

describe('Management API under bad credentials and odd headers', () => {
  const harness = new OperationsHarness();
  let api: SecuredManagementApi;
  let grpc: ReturnType<typeof grpcClient>;
  let pool: Pool;
  /** A valid key with viewer on every game: what a valid caller sends. */
  let viewerKey: NewApiKey;
  let unpublished: SigningKey;
  let forged: SigningKey;
  const game = `game-${harness.suffix}`;
  const scheduler = `creds-${harness.suffix}`;
  /** Every credential sent, to look for in the log. */
  const sent = new Set<string>();
  const credentialPart = (authorization: string) => authorization.replace(/^\s*bearer\s*/i, '');
  /** Long enough that finding it in the log cannot be chance. */
  const remember = (authorization: string) => {
    const credential = credentialPart(authorization);
    if (credential.length >= 20) sent.add(credential);
  };

  const ROUTES = [
    { method: 'GET', path: '/schedulers' },
    { method: 'GET', path: `/schedulers/${scheduler}` },
    { method: 'POST', path: '/schedulers', body: { ...validBody(`new-${harness.suffix}`), game } },
    { method: 'DELETE', path: `/schedulers/${scheduler}` },
    { method: 'POST', path: '/codec/decode', body: { payloads: [] } },
  ];

  /** The `authorization` value a bad credential is sent as. */
  async function authorizationOf(credential: BadCredential): Promise<string> {
    switch (credential.kind) {
      case 'header':
        return credential.value;
      case 'known-key':
        return bearer(`mk_${viewerKey.id}_${mangledSecret(viewerKey.secret, credential.mangle)}`);
      case 'signed': {
        const key = { published: api.keys.rsa, unpublished, forged }[credential.key];
        return bearer(await signed(key, credential.claims));
      }
    }
  }

  async function signed(key: SigningKey, claims: Record<string, unknown>): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      sub: 'alice@studio',
      iss: TEST_ISSUER,
      aud: TEST_AUDIENCE,
      iat: now - 60,
      exp: now + 300,
      maestro_roles: ['admin:*'],
      ...claims,
    })
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
      .sign(key.privateKey);
  }

  const send = (
    route: (typeof ROUTES)[number],
    headers: ReadonlyArray<readonly [string, string]>,
  ): Promise<RawAnswer> =>
    sendRawRequest(api.baseUrl, {
      method: route.method,
      path: route.path,
      headers:
        route.body === undefined ? headers : [['content-type', 'application/json'], ...headers],
      body: route.body,
    });

  /**
   * A refusal of `authorization`: 401 with a known reason and no part of it (nor of the `others`
   * sent with it), or the parser's 400.
   */
  function expectRefused(answer: RawAnswer, authorization: string, others: string[] = []): void {
    if (isParserRefused(authorization)) {
      expect(answer.status).toBe(400);
      return;
    }
    const { code, message, details } = answer.body as Record<string, unknown>;
    expect({ status: answer.status, code, details }).toEqual({
      status: 401,
      code: 16,
      details: [],
    });
    expect({ message, isKnown: isRefusalMessage(String(message)) }).toEqual({
      message,
      isKnown: true,
    });
    for (const value of [authorization, ...others]) {
      expect(echoedLength(String(message), credentialPart(value))).toBeLessThanOrEqual(8);
    }
  }

  const stored = async () => {
    const { rows } = await pool.query<{ schedulers: string; versions: string; keys: string }>(
      `SELECT (SELECT count(*) FROM schedulers) AS schedulers,
              (SELECT count(*) FROM scheduler_versions) AS versions,
              (SELECT count(*) FROM api_keys) AS keys`,
    );
    const workflows = await harness.client.workflow.count(`TaskQueue = '${harness.taskQueue}'`);
    return { ...rows[0], workflows: workflows.count };
  };

  /** A valid caller is served over HTTP and gRPC, and the log holds none of the credentials. */
  async function expectStillServing(): Promise<void> {
    const answer = await send(ROUTES[1]!, [['authorization', bearer(viewerKey.key)]]);
    expect(answer).toMatchObject({ status: 200, body: { scheduler: { name: scheduler } } });
    await grpc.call('getScheduler', { schedulerName: scheduler }, bearer(viewerKey.key));
    const log = api
      .lines()
      .map((line) => JSON.stringify(line))
      .join('\n');
    expect([...sent].filter((credential) => log.includes(credential))).toEqual([]);
  }

  beforeAll(async () => {
    await harness.start({
      runWorker: false,
      env: { MAESTRO_PAYLOAD_KEYS: PAYLOAD_KEY, MAESTRO_PAYLOAD_ACTIVE_KEY: 'fuzz' },
    });
    api = await startSecuredManagementApi(harness);
    grpc = grpcClient(SchedulersService, api.grpcAddress);
    pool = testPool(harness.database.url, 2);
    viewerKey = generateApiKey('');
    await new PostgresApiKeyStore(pool).create({
      id: viewerKey.id,
      subject: 'fuzz-viewer',
      grants: [{ role: Role.VIEWER, game: '*' }],
      secretHash: viewerKey.secretHash,
    });
    [unpublished, forged] = await Promise.all([
      signingKey('rsa-unpublished', 'RS256'),
      signingKey(api.keys.rsa.kid, 'RS256'),
    ]);
    await harness.commands.createScheduler(harness.schedulerInput(scheduler, { game }));
  }, 120_000);

  afterAll(async () => {
    grpc?.close();
    await pool?.end();
    await api?.close();
    await harness.stop();
  });

  it('answers 401 with a known reason that never echoes it when 300 requests carry a bad credential', async () => {
    const before = await stored();

    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROUTES), badCredential, async (route, credential) => {
        const authorization = await authorizationOf(credential);
        remember(authorization);

        expectRefused(await send(route, [['authorization', authorization]]), authorization);
      }),
      fuzzSettings(300),
    );

    expect(await stored()).toEqual(before);
    await expectStillServing();
  });

  it('answers 401 to credentials up to the header limit and 431 past it, and keeps serving', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        fc.oneof(
          fc.integer({ min: 8_000, max: 16_000 }).chain(hugeBearer),
          fc.integer({ min: 17_000, max: 200_000 }).chain(hugeBearer),
        ),
        async (route, authorization) => {
          const answer = await send(route, [['authorization', authorization]]);

          if (authorization.length > 16_384) expect(answer.status).toBe(431);
          else expectRefused(answer, authorization);
        },
      ),
      fuzzSettings(40),
    );

    await expectStillServing();
  });

  it('answers 401 when a request carries several bad authorization headers', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        fc.array(badCredential, { minLength: 2, maxLength: 4 }),
        async (route, credentials) => {
          const values = await Promise.all(credentials.map(authorizationOf));
          // Within Node's 16 KiB of headers (past it: 431, as above).
          fc.pre(values.reduce((total, value) => total + Buffer.byteLength(value), 0) < 14_000);
          values.forEach(remember);

          const answer = await send(
            route,
            values.map((value) => ['authorization', value] as const),
          );

          const parserRefused = values.find(isParserRefused);
          expectRefused(answer, parserRefused ?? values[0]!, values);
          // Several values are refused as such, before any of them is read.
          if (!parserRefused) {
            expect((answer.body as { message: string }).message).toBe(
              `unauthenticated: ${SEVERAL_AUTHORIZATIONS}`,
            );
          }
        },
      ),
      fuzzSettings(100),
    );

    await expectStillServing();
  });

  it('answers UNAUTHENTICATED with a known reason over gRPC when 200 calls carry a bad credential', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('getScheduler', 'listSchedulers', 'deleteScheduler'),
        badCredential,
        async (method, credential) => {
          // gRPC metadata is printable ASCII: the client refuses to send anything else.
          const authorization = (await authorizationOf(credential)).replace(/[^ -~]/g, '');
          remember(authorization);

          const error = await grpc.call(method, { schedulerName: scheduler }, authorization).then(
            () => undefined,
            (failure: ServiceError) => failure,
          );

          expect(error?.code).toBe(status.UNAUTHENTICATED);
          expect({
            details: error?.details,
            isKnown: isRefusalMessage(error?.details ?? ''),
          }).toEqual({
            details: error?.details,
            isKnown: true,
          });
          expect(
            echoedLength(error?.details ?? '', credentialPart(authorization)),
          ).toBeLessThanOrEqual(8);
        },
      ),
      fuzzSettings(200),
    );

    await expectStillServing();
  });

  it('answers UNAUTHENTICATED to huge gRPC credentials; HTTP/2 resets past its 64 KiB of headers', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.integer({ min: 4_000, max: 60_000 }).chain(hugeBearer),
          fc.integer({ min: 120_000, max: 200_000 }).chain(hugeBearer),
        ),
        async (authorization) => {
          const error = await grpc
            .call('getScheduler', { schedulerName: scheduler }, authorization)
            .then(
              () => undefined,
              (failure: ServiceError) => failure,
            );

          // Past 64 KiB of HPACK-encoded headers (Node's HTTP/2 limit; a base64url character takes
          // 5 to 7 bits) the call never reaches gRPC: the stream is reset.
          const expected =
            authorization.length > 100_000
              ? { code: status.INTERNAL, details: 'Received RST_STREAM with code 9' }
              : {
                  code: status.UNAUTHENTICATED,
                  details: 'unauthenticated: malformed API key: expected mk_<id>_<secret>',
                };
          expect({ code: error?.code, details: error?.details }).toEqual(expected);
        },
      ),
      fuzzSettings(30),
    );

    await expectStillServing();
  });

  it.each(['admin: *', 'admin:*\u0000', 'Admin:*', 'admin:*\u200b', ' admin:*', 'admin:\uff0a'])(
    'grants nothing when the grants claim holds %j',
    async (grant) => {
      const authorization = bearer(await signed(api.keys.rsa, { maestro_roles: [grant] }));

      const read = await send(ROUTES[1]!, [['authorization', authorization]]);

      expect(read).toMatchObject({
        status: 404,
        body: { message: `scheduler ${scheduler} not found` },
      });
    },
  );

  it('grants exactly what the grammar reads when 150 tokens carry near-miss grants and odd subjects', async () => {
    const before = await stored();
    const existing = {
      method: 'POST',
      path: '/schedulers',
      body: { ...validBody(scheduler), game },
    };

    await fc.assert(
      fc.asyncProperty(grantsClaim(game), oddSubject, async (claim, sub) => {
        const authorization = bearer(await signed(api.keys.rsa, { sub, maestro_roles: claim }));
        const roles = rolesOn(claim, game);
        const reads = roles.some((role) => role !== Role.MATCHMAKER);

        const read = await send(ROUTES[1]!, [['authorization', authorization]]);
        const list = await send(ROUTES[0]!, [['authorization', authorization]]);
        const create = await send(existing, [['authorization', authorization]]);

        expect(read.status).toBe(reads ? 200 : roles.length > 0 ? 403 : 404);
        expect(list.status).toBe(200);
        expect(schedulerNames(list).includes(scheduler)).toBe(reads);
        expect(create.status).toBe(roles.includes(Role.ADMIN) ? 409 : 403);
      }),
      fuzzSettings(150),
    );

    expect(await stored()).toEqual(before);
    await expectStillServing();
  });

  it('refuses tokens whose subject is blank, too long, unprintable or maestro’s own, saying why', async () => {
    await fc.assert(
      fc.asyncProperty(badSubject, async (sub) => {
        const authorization = bearer(
          await signed(api.keys.rsa, { sub, maestro_roles: [`admin:${game}`] }),
        );

        const answer = await send(ROUTES[1]!, [['authorization', authorization]]);

        expect(answer).toMatchObject({
          status: 401,
          body: {
            code: 16,
            message: `unauthenticated: credential subject ${subjectProblem(sub) ?? ''}`,
          },
        });
      }),
      fuzzSettings(100),
    );

    await expectStillServing();
  });

  it('refuses another namespace and never fails when the codec endpoint gets an odd X-Namespace', async () => {
    await fc.assert(
      fc.asyncProperty(headerValue, fc.boolean(), async (namespace, isValidCaller) => {
        const authorization = isValidCaller ? bearer(viewerKey.key) : 'Bearer not-a-key';

        const answer = await send(ROUTES[4]!, [
          ['authorization', authorization],
          ['x-namespace', namespace],
        ]);

        const seen = namespace.trim();
        if (isParserRefused(namespace)) expect(answer.status).toBe(400);
        else if (!isValidCaller) expectRefused(answer, authorization);
        else if (seen === '' || seen === 'default') expect(answer).toMatchObject({ status: 200 });
        else
          expect(answer).toMatchObject({
            status: 400,
            body: {
              code: 3,
              message: expect.stringMatching(
                /^X-Namespace: must be maestro's namespace "default"/,
              ) as unknown,
            },
          });
      }),
      fuzzSettings(150),
    );

    await expectStillServing();
  });

  it('never answers 500 nor lets a bad credential through when content-type is odd', async () => {
    const before = await stored();

    await fc.assert(
      fc.asyncProperty(headerValue, badCredential, async (contentType, credential) => {
        const authorization = await authorizationOf(credential);
        remember(authorization);

        const answer = await sendRawRequest(api.baseUrl, {
          method: 'POST',
          path: '/schedulers',
          headers: [
            ['content-type', contentType],
            ['authorization', authorization],
          ],
          body: { ...validBody(`new-${harness.suffix}`), game },
        });

        expect(answer.status).toBeLessThan(500);
        expect(answer.status).not.toBe(200);
        if (!isParserRefused(contentType) && answer.status === 401)
          expectRefused(answer, authorization);
        else if (!isParserRefused(contentType) && !isParserRefused(authorization)) {
          expectClientError(answer.status, answer.body);
        }
      }),
      fuzzSettings(150),
    );

    expect(await stored()).toEqual(before);
    await expectStillServing();
  });
});
