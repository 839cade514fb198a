/**
 * `maestro schedulers apply/plan` with a scheduler file using the policies beyond Maestro's
 * (examples/schedulers/autoscaling-schedule.yaml): the file is read as the CLI reads it, planned
 * against what the server would answer, and the diff shows the new fields.
 */
import path from 'node:path';
import type { Scheduler as WireScheduler } from '@maestro/management-client';
import { toGatewayJson } from '../../src/api/shared/gateway-json';
import { decodeJsonMessage } from '../../src/api/shared/json-request';
import { fromCreateSchedulerRequest } from '../../src/api/shared/scheduler-request-codec';
import { toProtoScheduler } from '../../src/api/shared/scheduler-response-codec';
import { validateScheduler } from '../../src/domain/scheduler/validation';
import { SchedulerSchema } from '../../src/gen/api/v1/messages_pb';
import { CreateSchedulerRequestSchema } from '../../src/gen/api/v1/schedulers_pb';
import { readDefinitionFile } from '../../src/main/cli/definition-file';
import { planScheduler } from '../../src/main/cli/scheduler-plan';

const EXAMPLE = path.resolve(__dirname, '../../examples/schedulers/autoscaling-schedule.yaml');
const noStdin = () => '';

/** The scheduler as GET /schedulers/{name} returns it once the file was applied. */
function appliedAs(file: Record<string, unknown>): WireScheduler {
  const request = decodeJsonMessage(CreateSchedulerRequestSchema, file);
  const scheduler = validateScheduler({
    ...fromCreateSchedulerRequest(request),
    createdAt: '2024-05-01T10:00:00.000Z',
  });
  return toGatewayJson(SchedulerSchema, toProtoScheduler(scheduler)) as unknown as WireScheduler;
}

describe('maestro schedulers plan with a schedule policy', () => {
  const file = readDefinitionFile(EXAMPLE, noStdin);

  it('plans a create whose diff shows the schedule, its webhook and scaleToZero', () => {
    const plan = planScheduler(file, undefined, []);

    expect(plan.action).toBe('create');
    const diff = plan.action === 'create' ? plan.diff : '';
    for (const line of [
      'type: schedule',
      'start: 0 18 * * 1-5',
      'timeZone: Europe/Berlin',
      'leadTime: 30m',
      'url: https://capacity.example.com/desired-rooms',
      'idleAfter: 20m',
      'min: 0',
    ])
      expect(diff).toContain(line);
  });

  it('finds nothing to change when the file is applied again', () => {
    expect(planScheduler(file, appliedAs(file), ['v1.0.0'])).toEqual({
      action: 'unchanged',
      activeVersion: 'v1.0.0',
    });
  });

  it('plans a minor version showing the changed window when the lead time changes', () => {
    const current = appliedAs(file);
    const changed = JSON.parse(JSON.stringify(file).replace('"30m"', '"45m"')) as typeof file;

    const plan = planScheduler(changed, current, ['v1.0.0']);

    expect(plan).toMatchObject({ action: 'new-version', isMajor: false, nextVersion: 'v1.1.0' });
    const diff = plan.action === 'new-version' ? plan.diff : '';
    expect(diff).toMatch(/^-\s+leadTime: 30m$/m);
    expect(diff).toMatch(/^\+\s+leadTime: 45m$/m);
  });
});
