/**
 * The Management API as a Maestro client sees it (see test/support/management-api-http-fixture.ts):
 * new versions, patches, switches and deletion of a scheduler, each through its operation.
 */
import { managementApiOverHttp, type Json } from '../support/management-api-http-fixture';
import { eventually } from '../support/runtime-contract';

describe('Management API over HTTP', () => {
  const { harness, http, camelBody, finished, settled, createdScheduler } = managementApiOverHttp();

  it('switches to the new version when POST /schedulers/{name} finishes, the path naming the scheduler', async () => {
    const scheduler = await createdScheduler('new-version');

    const response = await http(
      'POST',
      `/schedulers/${scheduler}`,
      camelBody(scheduler, { name: 'another-name', maxSurge: '3' }),
    );

    expect(response.status).toBe(200);
    const { operationId } = response.body as { operationId: string };
    expect(Object.keys(response.body as Json)).toEqual(['operationId']);
    await finished(scheduler, operationId);
    await settled(scheduler);
    await eventually(async () => {
      const got = await http('GET', `/schedulers/${scheduler}`);
      expect((got.body as { scheduler: Json }).scheduler).toMatchObject({
        name: scheduler,
        maxSurge: '3',
        spec: { version: 'v1.1.0' },
      });
    });
    expect((await http('GET', `/schedulers/another-name`)).status).toBe(404);
  });

  it('patches, switches back and deletes a scheduler through operations, and answers 409 to an empty patch', async () => {
    const scheduler = await createdScheduler('lifecycle');

    const patched = await http('PATCH', `/schedulers/${scheduler}`, { max_surge: '50%' });
    await finished(scheduler, (patched.body as { operationId: string }).operationId);
    await settled(scheduler);
    const afterPatch = await http('GET', `/schedulers/${scheduler}`);
    const empty = await http('PATCH', `/schedulers/${scheduler}`, {});
    const switched = await http('PUT', `/schedulers/${scheduler}`, { version: 'v1.0.0' });
    await finished(scheduler, (switched.body as { operationId: string }).operationId);
    await settled(scheduler);
    const afterSwitch = await http('GET', `/schedulers/${scheduler}`);
    const versions = await http('GET', `/schedulers/${scheduler}/versions`);
    const deleted = await http('DELETE', `/schedulers/${scheduler}`);
    await finished(scheduler, (deleted.body as { operationId: string }).operationId);

    expect(patched.status).toBe(200);
    expect((afterPatch.body as { scheduler: Json }).scheduler).toMatchObject({
      maxSurge: '50%',
      spec: { version: 'v1.1.0' },
    });
    expect(empty).toEqual({
      status: 409,
      body: { code: 10, message: `no change found to scheduler ${scheduler}`, details: [] },
    });
    expect((afterSwitch.body as { scheduler: Json }).scheduler).toMatchObject({
      maxSurge: '25%',
      spec: { version: 'v1.0.0' },
    });
    expect((versions.body as { versions: Json[] }).versions).toEqual([
      expect.objectContaining({ version: 'v1.1.0', isActive: false }),
      expect.objectContaining({ version: 'v1.0.0', isActive: true }),
    ]);
    expect(deleted.status).toBe(200);
    expect((await http('GET', `/schedulers/${scheduler}`)).status).toBe(404);
    expect((await http('DELETE', `/schedulers/${scheduler}`)).status).toBe(404);
  });

  it('refuses a second version change with 400 FAILED_PRECONDITION while one is queued', async () => {
    const scheduler = await createdScheduler('conflict');
    await harness.queue.enqueue(scheduler, 'add_rooms', { amount: 3 });
    const first = await http('PUT', `/schedulers/${scheduler}`, { version: 'v1.0.0' });

    const second = await http('PATCH', `/schedulers/${scheduler}`, { maxSurge: '2' });

    const firstId = (first.body as { operationId: string }).operationId;
    expect(second).toEqual({
      status: 400,
      body: {
        code: 9,
        message: `cannot patch scheduler: there is already an ongoing version operation (id: ${firstId}) for scheduler ${scheduler}`,
        details: [],
      },
    });
    await finished(scheduler, firstId);
  });
});
