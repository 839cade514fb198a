import {
  isMutating,
  MANAGEMENT_ACCESS_RULES,
  ROOMS_ACCESS_RULES,
} from '../../src/api/shared/access-rules';
import { OperationsService } from '../../src/gen/api/v1/operations_pb';
import { RoomsService } from '../../src/gen/api/v1/rooms_pb';
import { SchedulerRoomsService } from '../../src/gen/api/v1/scheduler_rooms_pb';
import { SchedulersService } from '../../src/gen/api/v1/schedulers_pb';

const roleOf = (name: string) => {
  const rule = MANAGEMENT_ACCESS_RULES[name];
  return rule && 'role' in rule ? rule.role : rule?.kind;
};

describe('access rules', () => {
  it('has a rule for every RPC of the Management API and the Rooms API, and no other', () => {
    const management = [
      ...SchedulersService.methods,
      ...OperationsService.methods,
      ...SchedulerRoomsService.methods,
    ];
    expect(Object.keys(MANAGEMENT_ACCESS_RULES).sort()).toEqual(
      management.map((method) => method.localName).sort(),
    );
    expect(Object.keys(ROOMS_ACCESS_RULES).sort()).toEqual(
      RoomsService.methods.map((method) => method.localName).sort(),
    );
  });

  it.each([
    ['listSchedulers', 'list'],
    ['getSchedulersInfo', 'list'],
    ['getScheduler', 'viewer'],
    ['getSchedulerVersions', 'viewer'],
    ['listOperations', 'viewer'],
    ['getOperation', 'viewer'],
    ['listRooms', 'viewer'],
    ['cancelOperation', 'operator'],
    ['createScheduler', 'admin'],
    ['newSchedulerVersion', 'admin'],
    ['patchScheduler', 'admin'],
    ['switchActiveVersion', 'admin'],
    ['deleteScheduler', 'admin'],
  ])('%s needs %s', (rpc, needed) => {
    expect(roleOf(rpc)).toBe(needed);
  });

  it('audits exactly the calls that change something', () => {
    const audited = Object.entries(MANAGEMENT_ACCESS_RULES)
      .filter(([, rule]) => isMutating(rule))
      .map(([name]) => name)
      .sort();
    expect(audited).toEqual([
      'cancelOperation',
      'createScheduler',
      'deleteScheduler',
      'newSchedulerVersion',
      'patchScheduler',
      'switchActiveVersion',
    ]);
    expect(isMutating(ROOMS_ACCESS_RULES['allocateRoom']!)).toBe(true);
    expect(isMutating(ROOMS_ACCESS_RULES['updateRoomWithPing']!)).toBe(false);
  });
});
