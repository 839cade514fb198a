/**
 * Who asked for an operation: taken from the call's principal, and on the wire only when it says
 * something Maestro's JSON does not (security off answers exactly as Maestro).
 */
import { toGatewayJson } from '../../../src/api/shared/gateway-json';
import {
  toProtoListOperationItem,
  toProtoOperation,
} from '../../../src/api/shared/operation-codec';
import type { Principal } from '../../../src/domain/access/principal';
import {
  actorOf,
  ANONYMOUS_ACTOR,
  SYSTEM_ACTOR,
  type OperationActor,
} from '../../../src/domain/operations/actor';
import type { OperationDetails } from '../../../src/domain/operations/operation';
import { ListOperationItemSchema, OperationSchema } from '../../../src/gen/api/v1/messages_pb';

const alice: Principal = {
  subject: 'alice',
  credentialId: 'key-7',
  kind: 'api_key',
  grants: [{ role: 'admin', game: 'tennis' }],
};
const aliceActor: OperationActor = { subject: 'alice', credentialId: 'key-7', kind: 'api_key' };

const operation = (extra: Partial<OperationDetails> = {}): OperationDetails => ({
  id: '0b6f5f0e-5b9c-4c9e-9d7e-1f1f1f1f1f1f',
  schedulerName: 'tennis-eu',
  definitionName: 'delete_scheduler',
  status: 'canceled',
  createdAt: '2026-01-31T12:00:00.000Z',
  updatedAt: '2026-01-31T12:00:01.000Z',
  hasNoAction: false,
  input: {},
  executionHistory: [{ createdAt: '2026-01-31T12:00:00.000Z', event: 'Created' }],
  ...extra,
});

const operationJson = (details: OperationDetails) =>
  toGatewayJson(OperationSchema, toProtoOperation(details)) as Record<string, unknown>;
const rowJson = (details: OperationDetails) =>
  toGatewayJson(ListOperationItemSchema, toProtoListOperationItem(details)) as Record<
    string,
    unknown
  >;

describe('operation actors', () => {
  it('takes subject, credential and kind from the principal, never its grants', () => {
    expect(actorOf(alice)).toEqual(aliceActor);
  });

  it('is the anonymous marker when the call carries no principal', () => {
    expect(actorOf(undefined)).toEqual({
      subject: 'maestro:anonymous',
      credentialId: '',
      kind: 'anonymous',
    });
  });

  it.each([
    ['an authenticated caller', aliceActor],
    ['the system', SYSTEM_ACTOR],
  ])('shows %s in GET and in the listing row', (_label, actor) => {
    const details = operation({ actor, canceledBy: actor });

    expect(operationJson(details)).toMatchObject({ actor, canceledBy: actor });
    expect(rowJson(details)).toMatchObject({ actor });
  });

  it.each([
    ['anonymous', ANONYMOUS_ACTOR],
    ['unknown', undefined],
  ])('answers with Maestro’s fields only when the actor is %s', (_label, actor) => {
    const details = operation({ actor, canceledBy: actor });

    expect(Object.keys(operationJson(details)).sort()).toEqual([
      'createdAt',
      'definitionName',
      'executionHistory',
      'id',
      'input',
      'schedulerName',
      'status',
    ]);
    expect(Object.keys(rowJson(details)).sort()).toEqual([
      'createdAt',
      'definitionName',
      'id',
      'schedulerName',
      'status',
    ]);
  });
});
