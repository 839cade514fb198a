/**
 * The Management API as a Maestro client sees it (see test/support/management-api-http-fixture.ts):
 * listing, getting and cancelling operations.
 */
import { managementApiOverHttp, match, type Json } from '../support/management-api-http-fixture';
import { eventually } from '../support/runtime-contract';

describe('Management API over HTTP', () => {
  const { harness, http, camelBody, finished, createdScheduler } = managementApiOverHttp();

  it('pages the final stage and rejects what Maestro rejects when listing operations', async () => {
    const scheduler = await createdScheduler('listing');
    for (const amount of [1, 1]) {
      await finished(scheduler, await harness.queue.enqueue(scheduler, 'add_rooms', { amount }));
    }
    const route = `/schedulers/${scheduler}/operations`;
    await eventually(async () => {
      const { body } = await http('GET', `${route}?stage=final`);
      expect((body as { total: number }).total).toBe(3);
    });

    const all = await http('GET', `${route}?stage=final`);
    const page2 = await http(
      'GET',
      `${route}?stage=final&page=2&per_page=2&order_by=createdAt%20asc`,
    );
    const camel = await http('GET', `${route}?stage=final&page=1&perPage=1`);
    const pending = await http('GET', `${route}?stage=pending`);
    const unknownScheduler = await http(
      'GET',
      `/schedulers/nothing-${harness.suffix}/operations?stage=active`,
    );
    const errors = await Promise.all(
      [
        'stage=bogus',
        'stage=pending&page=1',
        'stage=final&page=0',
        'stage=final&per_page=101',
        'stage=final&order_by=name',
        'stage=final&page=abc',
        'stage=final&page=1&page=2',
      ].map(async (query) => (await http('GET', `${route}?${query}`)).body),
    );

    expect(all.status).toBe(200);
    expect(all.body).toEqual({
      page: 1,
      pageSize: 15,
      total: 3,
      operations: [
        expect.objectContaining({ definitionName: 'add_rooms' }),
        expect.objectContaining({ definitionName: 'add_rooms' }),
        {
          id: match.anyString(),
          status: 'finished',
          definitionName: 'create_scheduler',
          schedulerName: scheduler,
          createdAt: match.timestamp(),
        },
      ],
    });
    expect(page2.body).toEqual({
      page: 2,
      pageSize: 2,
      total: 3,
      operations: [expect.objectContaining({ definitionName: 'add_rooms' })],
    });
    expect((camel.body as { operations: Json[] }).operations).toHaveLength(1);
    expect(pending.body).toEqual({ page: 1, pageSize: 0, total: 0, operations: [] });
    expect(unknownScheduler.body).toEqual({ page: 1, pageSize: 0, total: 0, operations: [] });
    expect(errors).toEqual([
      { code: 3, message: 'invalid stage filter: bogus', details: [] },
      {
        code: 3,
        message: 'there is no pagination filter implemented for pending stage',
        details: [],
      },
      { code: 3, message: 'page must be greater than 0', details: [] },
      { code: 3, message: 'page size must be between 0 and 100', details: [] },
      { code: 3, message: 'invalid order by: name', details: [] },
      {
        code: 3,
        message: 'Validation Error:\npage: must be an integer from 0 to 4294967295',
        details: [],
      },
      { code: 3, message: 'Validation Error:\npage: must be given at most once', details: [] },
    ]);
  });

  it('shows the running operation with a lease, the queued one without, and cancels them as Maestro does', async () => {
    const scheduler = await createdScheduler('running', {
      spec: {
        terminationGracePeriod: '8s',
        containers: [
          {
            ...(camelBody('x')['spec'] as { containers: Json[] }).containers[0],
            command: ['sh', '-c', 'trap "" TERM; exec sleep 300'],
          },
        ],
      },
    });
    await finished(scheduler, await harness.queue.enqueue(scheduler, 'add_rooms', { amount: 1 }));
    const route = `/schedulers/${scheduler}/operations`;
    const deletion = (await http('DELETE', `/schedulers/${scheduler}`)).body as {
      operationId: string;
    };
    await harness.waitForOperation(scheduler, deletion.operationId, 'in_progress');
    const patch = (await http('PATCH', `/schedulers/${scheduler}`, { maxSurge: '2' })).body as {
      operationId: string;
    };

    const listedAt = Date.now();
    const active = await http('GET', `${route}?stage=active`);
    const pending = await http('GET', `${route}?stage=pending`);
    const canceled = await http('POST', `${route}/${patch.operationId}/cancel`);
    await harness.waitForOperation(scheduler, patch.operationId, 'canceled');
    await finished(scheduler, deletion.operationId);
    const cancelFinished = await http('POST', `${route}/${deletion.operationId}/cancel`);
    const cancelUnknown = await http(
      'POST',
      `${route}/00000000-0000-0000-0000-000000000000/cancel`,
    );

    const running = (active.body as { operations: Array<Json & { lease: { ttl: string } }> })
      .operations;
    expect(running).toEqual([
      {
        id: deletion.operationId,
        status: 'in_progress',
        definitionName: 'delete_scheduler',
        lease: { ttl: match.string(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) },
        schedulerName: scheduler,
        createdAt: match.timestamp(),
      },
    ]);
    const ttl = Date.parse(running[0]!.lease.ttl);
    // not expired while the operation runs, and at most one heartbeat timeout (30 s) ahead
    expect(ttl).toBeGreaterThan(listedAt);
    expect(ttl).toBeLessThanOrEqual(listedAt + 31_000);
    expect(pending.body).toEqual({
      page: 1,
      pageSize: 1,
      total: 1,
      operations: [expect.not.objectContaining({ lease: match.anything() })],
    });
    expect((pending.body as { operations: Json[] }).operations[0]).toMatchObject({
      id: patch.operationId,
      status: 'pending',
    });
    expect(canceled).toEqual({ status: 200, body: {} });
    expect(cancelFinished).toEqual({
      status: 409,
      body: {
        code: 10,
        message: 'cannot cancel operation since status "finished" is a final status',
        details: [],
      },
    });
    expect(cancelUnknown.status).toBe(404);
  });

  it('returns an operation with its input and execution history, and 404 for an unknown one', async () => {
    const scheduler = await createdScheduler('detail');
    const listed = await http('GET', `/schedulers/${scheduler}/operations?stage=final`);
    const id = (listed.body as { operations: Json[] }).operations[0]!['id'] as string;

    const got = await http('GET', `/schedulers/${scheduler}/operations/${id}`);
    const unknown = await http(
      'GET',
      `/schedulers/${scheduler}/operations/00000000-0000-0000-0000-000000000000`,
    );

    expect(got.status).toBe(200);
    const operation = (got.body as { operation: Json }).operation;
    expect(Object.keys(operation).sort()).toEqual(
      [
        'id',
        'status',
        'definitionName',
        'schedulerName',
        'createdAt',
        'input',
        'executionHistory',
      ].sort(),
    );
    expect(operation).toMatchObject({
      id,
      status: 'finished',
      definitionName: 'create_scheduler',
      schedulerName: scheduler,
      input: { scheduler: match.object({ name: scheduler }) },
    });
    expect(operation['executionHistory']).toEqual([
      { createdAt: match.timestamp(), event: 'Created' },
      { createdAt: match.timestamp(), event: 'Starting operation' },
      { createdAt: match.timestamp(), event: 'Operation finished' },
    ]);
    expect(unknown.status).toBe(404);
    expect((unknown.body as Json)['code']).toBe(5);
  });
});
