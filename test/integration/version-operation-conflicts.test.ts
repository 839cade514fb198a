/**
 * Version changes refused while another is ongoing, as a Maestro client sees it over HTTP: the
 * conflict is checked before a PATCH is merged onto the active version and validated (a PATCH
 * building on a version not active yet must not be answered with that version's validation
 * errors), and each route names itself in the refusal as Maestro does.
 */
import { OperationsHarness } from '../support/operations-harness';
import {
  call,
  startManagementApi,
  type RunningManagementApi,
} from '../support/management-api-server';
import { eventually } from '../support/runtime-contract';

describe('version changes while another is ongoing', () => {
  const harness = new OperationsHarness();
  const scheduler = `conflicts-${harness.suffix}`;
  let api: RunningManagementApi;
  /** The create_new_scheduler_version that holds the scheduler's version changes. */
  let ongoingId = '';
  const http = (method: string, route: string, body?: unknown) => call(api, method, route, body);
  const refusal = (prefix: string) => ({
    status: 400,
    body: {
      code: 9,
      message: `${prefix}: there is already an ongoing version operation (id: ${ongoingId}) for scheduler ${scheduler}`,
      details: [],
    },
  });

  /** The harness's definition as Maestro's JSON writes it, with the game room's command replaced. */
  const wireBody = (command?: string[]) => {
    const { terminationGracePeriodMs: _, ...spec } = harness.schedulerInput(scheduler).spec;
    const [container] = spec.containers;
    return {
      ...harness.schedulerInput(scheduler),
      spec: {
        ...spec,
        terminationGracePeriod: '5s',
        containers: [{ ...container, command: command ?? container!.command }],
      },
    };
  };

  beforeAll(async () => {
    await harness.start();
    api = await startManagementApi(harness);
    await harness.commands.createScheduler(harness.schedulerInput(scheduler));
    await eventually(async () =>
      expect((await harness.schedulers.getScheduler(scheduler))?.state).toBe('in-sync'),
    );
    // A major version (POST: NewSchedulerVersion) whose validation room never reports ready:
    // the change stays in progress.
    const posted = await http('POST', `/schedulers/${scheduler}`, wireBody(['sleep', '300']));
    expect(posted.status).toBe(200);
    ongoingId = (posted.body as { operationId: string }).operationId;
    await harness.waitForOperation(scheduler, ongoingId, 'in_progress');
  });

  afterAll(async () => {
    await api.close();
    await harness.stop();
  });

  it('names the ongoing change through the scheduler workflow’s version-operation query', async () => {
    const ongoing = await harness.queue.ongoingVersionOperation(scheduler);

    expect(ongoing).toMatchObject({
      id: ongoingId,
      definitionName: 'create_new_scheduler_version',
      status: 'in_progress',
    });
    expect(await harness.queue.ongoingVersionOperation(`not-${scheduler}`)).toBeUndefined();
  });

  it('refuses a PATCH that would not validate against the active version with the conflict, not a validation error', async () => {
    // The scheduler has no autoscaling: merged onto it, `enabled` alone leaves min 0 (invalid).
    const patched = await http('PATCH', `/schedulers/${scheduler}`, {
      autoscaling: { enabled: true },
    });

    expect(patched).toEqual(refusal('cannot patch scheduler'));
  });

  it('refuses a valid PATCH with the same conflict', async () => {
    const patched = await http('PATCH', `/schedulers/${scheduler}`, { maxSurge: '50%' });

    expect(patched).toEqual(refusal('cannot patch scheduler'));
  });

  it('answers an empty PATCH with 409 no change, as Maestro does before any other check', async () => {
    const patched = await http('PATCH', `/schedulers/${scheduler}`, {});

    expect(patched).toEqual({
      status: 409,
      body: { code: 10, message: `no change found to scheduler ${scheduler}`, details: [] },
    });
  });

  it('names the new-version and switch routes in their refusals', async () => {
    const posted = await http('POST', `/schedulers/${scheduler}`, wireBody());
    const switched = await http('PUT', `/schedulers/${scheduler}`, { version: 'v1.0.0' });

    expect(posted).toEqual(refusal('cannot create new scheduler version'));
    expect(switched).toEqual(refusal('cannot switch active version'));
  });

  it('accepts the PATCH once the ongoing change is over', async () => {
    await http('POST', `/schedulers/${scheduler}/operations/${ongoingId}/cancel`);
    await harness.waitForOperation(scheduler, ongoingId, 'canceled');

    const patched = await http('PATCH', `/schedulers/${scheduler}`, { maxSurge: '50%' });
    const id = (patched.body as { operationId: string }).operationId;
    await harness.waitForOperation(scheduler, id, 'finished');

    expect(patched.status).toBe(200);
    await eventually(async () =>
      expect((await harness.schedulers.getScheduler(scheduler))?.maxSurge).toBe('50%'),
    );
  });
});
