/**
 * Operation inputs are checked at the operation's start by hand-written rules (no zod in the
 * workflow bundle): each definition's fields, every problem named by field, unknown fields dropped.
 */
import { DomainError, ErrorCode } from '../../src/domain/errors';
import {
  checkOperationInput,
  OperationName,
  parseOperationInput,
} from '../../src/domain/operations/definitions';

describe('operation inputs', () => {
  it.each([
    [OperationName.CREATE_SCHEDULER, { scheduler: { name: 's' } }],
    [OperationName.CREATE_NEW_SCHEDULER_VERSION, { scheduler: {} }],
    [OperationName.SWITCH_ACTIVE_VERSION, { newActiveVersion: 'v1.2.0' }],
    [OperationName.DELETE_SCHEDULER, {}],
    [OperationName.ADD_ROOMS, { amount: 1 }],
    [OperationName.REMOVE_ROOMS, { amount: 0, rooms_ids: ['a', 'b'], reason: 'r' }],
    [OperationName.REMOVE_ROOMS, { amount: 2, rooms_ids: null, reason: '' }],
    [OperationName.HEALTH_CONTROLLER, { took_action: true }],
    [OperationName.HEALTH_CONTROLLER, {}],
  ])('keeps a valid %s input as it is', (name, input) => {
    expect(parseOperationInput(name, input)).toEqual(input);
  });

  it('drops fields the definition does not have', () => {
    expect(parseOperationInput(OperationName.ADD_ROOMS, { amount: 3, extra: true })).toEqual({
      amount: 3,
    });
    expect(parseOperationInput(OperationName.DELETE_SCHEDULER, { anything: 1 })).toEqual({});
  });

  it.each([
    [OperationName.CREATE_SCHEDULER, { scheduler: [] }, ['scheduler: must be a scheduler object']],
    [OperationName.CREATE_SCHEDULER, {}, ['scheduler: must be a scheduler object']],
    [
      OperationName.SWITCH_ACTIVE_VERSION,
      { newActiveVersion: '' },
      ['newActiveVersion: must not be empty'],
    ],
    [
      OperationName.SWITCH_ACTIVE_VERSION,
      { newActiveVersion: 2 },
      ['newActiveVersion: expected a string, got number'],
    ],
    [OperationName.ADD_ROOMS, { amount: 0 }, ['amount: too small: expected an integer >=1, got 0']],
    [OperationName.ADD_ROOMS, { amount: 1.5 }, ['amount: expected an integer, got 1.5']],
    [OperationName.ADD_ROOMS, { amount: '3' }, ['amount: expected an integer, got string']],
    [
      OperationName.REMOVE_ROOMS,
      { amount: -1, rooms_ids: ['a', 3] },
      [
        'amount: too small: expected an integer >=0, got -1',
        'rooms_ids: expected a list of room ids or null, got a list',
        'reason: expected a string, got nothing',
      ],
    ],
    [
      OperationName.HEALTH_CONTROLLER,
      { took_action: 'yes' },
      ['took_action: expected a boolean, got string'],
    ],
    [OperationName.ADD_ROOMS, null, ['input: expected an object, got null']],
    [OperationName.ADD_ROOMS, [1], ['input: expected an object, got a list']],
  ])('names every problem of a %s input %j', (name, input, problems) => {
    expect(checkOperationInput(name, input)).toEqual({ problems });
  });

  it('throws INVALID_ARGUMENT naming the operation and its problems', () => {
    let thrown: unknown;
    try {
      parseOperationInput(OperationName.ADD_ROOMS, { amount: 0 });
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(DomainError);
    expect(thrown).toMatchObject({
      code: ErrorCode.INVALID_ARGUMENT,
      message:
        'invalid input of operation add_rooms: amount: too small: expected an integer >=1, got 0',
    });
  });
});
