/**
 * Property tests of the Management API's HTTP parameters: every route's path and query parameters
 * with NUL and other control characters, invalid UTF-8, over-long values, any Unicode and numbers
 * out of range, against the real server, use cases, PostgreSQL and Temporal. Nothing is answered
 * 500, refused values are named with their rule, and nothing is stored.
 */
import fc from 'fast-check';
import { Client as PgClient } from 'pg';
import { OperationsService } from '../../src/gen/api/v1/operations_pb';
import { SchedulersService } from '../../src/gen/api/v1/schedulers_pb';
import {
  call,
  startManagementApi,
  type RunningManagementApi,
} from '../support/management-api-server';
import {
  expectClientError,
  fuzzSettings,
  nastyText,
  outOfRangeNumber,
} from '../support/nasty-input';
import { OperationsHarness } from '../support/operations-harness';
import {
  expectedRefusal,
  isNumberParameter,
  routeParameters,
  routeRequestPath,
  sendRouteRequest,
  type OrdinaryParameters,
} from '../support/route-fuzz';
import { validBody } from '../support/scheduler-fuzz';

const PARAMETERS = routeParameters([SchedulersService, OperationsService]);
const TEXT_PARAMETERS = PARAMETERS.filter((parameter) => !isNumberParameter(parameter));
const NUMBER_PARAMETERS = PARAMETERS.filter(isNumberParameter);

/** Bodies that would be accepted for a known scheduler, so only the parameter can be wrong. */
const BODIES: Readonly<Record<string, unknown>> = {
  NewSchedulerVersion: validBody('ignored'),
  PatchScheduler: { maxSurge: '10%' },
  SwitchActiveVersion: { version: 'v1.0.0' },
  CreateScheduler: {},
};

describe('Management API under nasty path and query parameters', () => {
  const harness = new OperationsHarness();
  let api: RunningManagementApi;
  const scheduler = () => `input-${harness.suffix}`;
  // Operations of a scheduler with a workflow would be asked of a worker, and none runs here.
  const ordinary = (): OrdinaryParameters => ({
    path: (name, { binding }) =>
      name === 'operation_id'
        ? '5b0e3f5a-0c1f-4c55-9d0e-000000000000'
        : binding.method.parent === OperationsService
          ? `absent-${harness.suffix}`
          : scheduler(),
    query: { stage: 'pending' },
  });

  const rowCounts = async () => {
    const client = new PgClient({ connectionString: harness.database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ schedulers: string; versions: string }>(
        `SELECT (SELECT count(*) FROM schedulers) AS schedulers,
                (SELECT count(*) FROM scheduler_versions) AS versions`,
      );
      return { schedulers: Number(rows[0]?.schedulers), versions: Number(rows[0]?.versions) };
    } finally {
      await client.end();
    }
  };
  const workflows = async () =>
    (await harness.client.workflow.count(`TaskQueue = '${harness.taskQueue}'`)).count;

  beforeAll(async () => {
    await harness.start({ runWorker: false });
    api = await startManagementApi(harness);
    expect((await call(api, 'POST', '/schedulers', validBody(scheduler()))).status).toBe(200);
  });
  afterAll(async () => {
    await api.close();
    await harness.stop();
  });

  const NUL = 'must not contain NUL characters';
  it.each(
    [
      { method: 'GET', path: '/schedulers/%00bad', status: 400, line: `schedulerName: ${NUL}` },
      {
        method: 'GET',
        path: '/schedulers/%00bad/versions',
        status: 400,
        line: `schedulerName: ${NUL}`,
      },
      { method: 'GET', path: '/schedulers/info?game=%00', status: 400, line: `game: ${NUL}` },
      { method: 'GET', path: '/schedulers?name=%00', status: 400, line: `name: ${NUL}` },
      { method: 'DELETE', path: '/schedulers/a%00', status: 400, line: `schedulerName: ${NUL}` },
      {
        method: 'GET',
        path: '/schedulers?name=%FF',
        status: 400,
        line: 'name: must be valid UTF-8 (percent-encoded)',
      },
      {
        method: 'GET',
        path: '/schedulers/%C0%80',
        status: 400,
        line: 'schedulerName: must be valid UTF-8 (percent-encoded)',
      },
      {
        method: 'GET',
        path: `/schedulers/${'a'.repeat(4097)}`,
        status: 414,
        line: 'schedulerName: must be at most 4096 characters',
      },
      {
        method: 'GET',
        path: `/schedulers?game=${'a'.repeat(4097)}`,
        status: 400,
        line: 'game: must be at most 4096 characters',
      },
    ].map((example) => ({
      ...example,
      label: example.path.length > 60 ? `${example.path.slice(0, 14)}…` : example.path,
    })),
  )('answers $status naming the parameter and its rule: $method $label', async (example) => {
    expect(await call(api, example.method, example.path)).toEqual({
      status: example.status,
      body: { code: 3, message: `Validation Error:\n${example.line}`, details: [] },
    });
  });

  it('answers 404 when a scheduler name is odd but storable text (as Maestro does)', async () => {
    expect(await call(api, 'GET', '/schedulers/a%01b')).toEqual({
      status: 404,
      body: { code: 5, message: 'scheduler a\u0001b not found', details: [] },
    });
  });

  it('never answers 500 and names every refused parameter when 700 requests carry nasty text', async () => {
    const before = { rows: await rowCounts(), workflows: await workflows() };

    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...TEXT_PARAMETERS), nastyText, async (parameter, nasty) => {
        const path = routeRequestPath(parameter, nasty.encoded, ordinary());
        const body = BODIES[parameter.binding.method.name];
        const answer = await sendRouteRequest(api.baseUrl, parameter, path, body);

        const refusal = expectedRefusal(parameter, nasty);
        if (refusal) expect(answer).toEqual(refusal);
        else expectClientError(answer.status, answer.body);
      }),
      fuzzSettings(700),
    );

    expect(api.problems()).toEqual([]);
    expect({ rows: await rowCounts(), workflows: await workflows() }).toEqual(before);
  });

  it('answers 400 naming the parameter when a number parameter is out of range or no number', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...NUMBER_PARAMETERS),
        outOfRangeNumber,
        async (parameter, text) => {
          const path = routeRequestPath(parameter, encodeURIComponent(text), ordinary());
          const answer = await sendRouteRequest(api.baseUrl, parameter, path, undefined);

          expect(answer).toEqual({
            status: 400,
            body: {
              code: 3,
              message: expect.stringMatching(
                new RegExp(`^Validation Error:\\n${parameter.field.jsonName}: `),
              ) as unknown,
              details: [],
            },
          });
        },
      ),
      fuzzSettings(100),
    );
    expect(api.problems()).toEqual([]);
  });

  it('sees a new row when an ordinary request stores one (the checks above can fail)', async () => {
    const before = await rowCounts();

    const answer = await call(api, 'POST', '/schedulers', validBody(`${scheduler()}-2`));

    expect(answer.status).toBe(200);
    expect(await rowCounts()).toEqual({
      schedulers: before.schedulers + 1,
      versions: before.versions + 1,
    });
  });
});
