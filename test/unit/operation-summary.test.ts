import { ActorKind, SYSTEM_ACTOR, type OperationActor } from '../../src/domain/operations/actor';
import { OperationName, type OperationInput } from '../../src/domain/operations/definitions';
import {
  operationDetails,
  operationSummary,
  type DescribedOperation,
  type SchedulerFacts,
} from '../../src/domain/operations/operation-summary';
import {
  currentDetails,
  schedulerWorkflowDetails,
  schedulerWorkflowSummary,
  supervisorDetails,
  supervisorSummary,
  SupervisorRole,
} from '../../src/domain/scheduler/scheduler-workflow-summary';

const ALICE: OperationActor = { subject: 'alice', credentialId: 'key-7', kind: ActorKind.API_KEY };
const SCHEDULER = {
  name: 'arena-eu',
  game: 'arena',
  spec: {
    version: 'v1.2.0',
    containers: [
      {
        name: 'server',
        image: 'arena/server:3.1',
        environment: [{ name: 'DB_PASSWORD', value: 's3cret-value' }],
      },
    ],
  },
};

interface Case<N extends OperationName> {
  input: OperationInput<N>;
  facts?: SchedulerFacts;
  summary: string;
  /** Lines after the common ones (operation, definition, scheduler, game, version, actor). */
  inputLines: string[];
}

/** Every definition, at least once: a new definition makes this table fail to compile. */
const CASES: { [N in OperationName]: Array<Case<N>> } = {
  create_scheduler: [
    {
      input: { scheduler: SCHEDULER },
      facts: { game: 'arena', version: 'v1.0.0' },
      summary: 'create_scheduler: arena-eu (v1.2.0, game arena)',
      inputLines: ['- **containers**: `server` (`arena/server:3.1`)'],
    },
  ],
  create_new_scheduler_version: [
    {
      input: { scheduler: SCHEDULER },
      facts: { game: 'arena', version: 'v1.2.0' },
      summary: 'create_new_scheduler_version: scheduler arena-eu (based on v1.2.0)',
      inputLines: ['- **containers**: `server` (`arena/server:3.1`)'],
    },
    {
      input: { scheduler: {} },
      summary: 'create_new_scheduler_version: scheduler arena-eu',
      inputLines: [],
    },
  ],
  switch_active_version: [
    {
      input: { newActiveVersion: 'v1.2.0' },
      facts: { game: 'arena', version: 'v1.1.0' },
      summary: 'switch_active_version: v1.2.0 → scheduler arena-eu',
      inputLines: ['- **new active version**: `v1.2.0`'],
    },
  ],
  delete_scheduler: [{ input: {}, summary: 'delete_scheduler: arena-eu', inputLines: [] }],
  add_rooms: [
    {
      input: { amount: 100 },
      facts: { version: 'v3.1.0' },
      summary: 'add_rooms: 100 rooms → scheduler arena-eu (v3.1.0)',
      inputLines: ['- **amount**: 100'],
    },
    {
      input: { amount: 1 },
      summary: 'add_rooms: 1 room → scheduler arena-eu',
      inputLines: ['- **amount**: 1'],
    },
  ],
  remove_rooms: [
    {
      input: { amount: 3, rooms_ids: null, reason: 'scale_down' },
      summary: 'remove_rooms: 3 rooms from scheduler arena-eu (scale_down)',
      inputLines: ['- **amount**: 3', '- **reason**: `scale_down`'],
    },
    {
      input: { amount: 0, rooms_ids: ['r1'], reason: 'expired_room' },
      summary: 'remove_rooms: 1 room from scheduler arena-eu (expired_room)',
      inputLines: ['- **amount**: 1', '- **reason**: `expired_room`', '- **rooms**: `r1`'],
    },
    {
      input: {
        amount: 0,
        rooms_ids: Array.from({ length: 12 }, (_, i) => `r${i}`),
        reason: 'rolling_update_replace',
      },
      summary: 'remove_rooms: 12 rooms from scheduler arena-eu (rolling_update_replace)',
      inputLines: [
        '- **amount**: 12',
        '- **reason**: `rolling_update_replace`',
        '- **rooms**: `r0`, `r1`, `r2`, `r3`, `r4`, `r5`, `r6`, `r7`, `r8`, `r9` and 2 more',
      ],
    },
  ],
  health_controller: [
    { input: {}, summary: 'health_controller: scheduler arena-eu', inputLines: [] },
  ],
};

const rows = (Object.keys(CASES) as OperationName[]).flatMap((name) =>
  (CASES[name] as Array<Case<OperationName>>).map((c) => ({ name, ...c })),
);

const operation = (
  definitionName: OperationName,
  input: object,
  extra: Partial<DescribedOperation> = {},
): DescribedOperation => ({
  id: 'op-1',
  definitionName,
  schedulerName: 'arena-eu',
  input: input as Record<string, unknown>,
  ...extra,
});

describe('operationSummary', () => {
  it('covers every operation definition', () => {
    expect(new Set(rows.map((row) => row.name))).toEqual(new Set(Object.values(OperationName)));
  });

  it.each(rows)(
    'says "$summary" when $name has input $input',
    ({ name, input, facts, summary }) => {
      expect(operationSummary(operation(name, input, facts && { facts }))).toBe(summary);
    },
  );

  it('names the definition and says the input is invalid when it fails its schema', () => {
    expect(operationSummary(operation(OperationName.ADD_ROOMS, { amount: 'many' }))).toBe(
      'add_rooms: scheduler arena-eu (invalid input)',
    );
  });
});

describe('operationDetails', () => {
  it.each(rows)(
    'lists id, scheduler, facts, actor and the input fields when $name has input $input',
    ({ name, input, facts, inputLines }) => {
      const details = operationDetails(
        operation(name, input, { actor: ALICE, ...(facts && { facts }) }),
      );
      expect(details.split('\n')).toEqual([
        '- **operation**: `op-1`',
        `- **definition**: \`${name}\``,
        '- **scheduler**: `arena-eu`',
        ...(facts?.game ? [`- **game**: \`${facts.game}\``] : []),
        ...(facts?.version ? [`- **version**: \`${facts.version}\``] : []),
        '- **asked by**: `alice` (api_key, credential `key-7`)',
        ...inputLines,
      ]);
    },
  );

  it('never shows a container environment value when the input holds a scheduler definition', () => {
    for (const name of [
      OperationName.CREATE_SCHEDULER,
      OperationName.CREATE_NEW_SCHEDULER_VERSION,
    ]) {
      const text = operationDetails(operation(name, { scheduler: SCHEDULER }));
      const summary = operationSummary(operation(name, { scheduler: SCHEDULER }));
      expect(`${text}\n${summary}`).not.toMatch(/s3cret-value|DB_PASSWORD/);
    }
  });

  it('shows the system actor and drops backticks that would break the markdown when given', () => {
    const details = operationDetails(
      operation(OperationName.HEALTH_CONTROLLER, {}, { actor: SYSTEM_ACTOR, id: 'a`b' }),
    );
    expect(details).toBe(
      [
        '- **operation**: `ab`',
        '- **definition**: `health_controller`',
        '- **scheduler**: `arena-eu`',
        '- **asked by**: `maestro:system` (system)',
      ].join('\n'),
    );
  });

  it('keeps the summary on one line when an input string holds line breaks', () => {
    const summary = operationSummary(
      operation(OperationName.SWITCH_ACTIVE_VERSION, { newActiveVersion: 'v2\n# injected' }),
    );
    expect(summary).toBe('switch_active_version: v2 # injected → scheduler arena-eu');
  });

  it('says the input is invalid when it fails its schema', () => {
    expect(operationDetails(operation(OperationName.SWITCH_ACTIVE_VERSION, {}))).toContain(
      '- **input**: invalid (see the operation’s history)',
    );
  });
});

describe('scheduler and supervisor summaries', () => {
  it('names the scheduler and its game when the game is known', () => {
    expect(schedulerWorkflowSummary('arena-eu', 'arena')).toBe(
      'scheduler arena-eu: execution worker (game arena)',
    );
    expect(schedulerWorkflowSummary('arena-eu')).toBe('scheduler arena-eu: execution worker');
  });

  it('gives the list filter of its operations in the details', () => {
    expect(schedulerWorkflowDetails('arena-eu', 'arena')).toContain(
      '`WorkflowType = "operationWorkflow" AND MaestroScheduler = "arena-eu"`',
    );
  });

  it('names the role and the scheduler of each supervisor', () => {
    expect(supervisorSummary(SupervisorRole.RUNTIME_WATCHER, 'arena-eu')).toBe(
      'runtime watcher of scheduler arena-eu',
    );
    expect(supervisorSummary(SupervisorRole.METRICS_REPORTER, 'arena-eu')).toBe(
      'metrics reporter of scheduler arena-eu',
    );
    expect(supervisorDetails(SupervisorRole.METRICS_REPORTER, 'arena-eu')).toContain(
      '(child of `scheduler:arena-eu`)',
    );
  });

  it('puts the summary in bold above the details in the current details', () => {
    expect(currentDetails('runtime watcher of scheduler arena-eu', '- a\n- b')).toBe(
      '**runtime watcher of scheduler arena-eu**\n\n- a\n- b',
    );
  });
});
