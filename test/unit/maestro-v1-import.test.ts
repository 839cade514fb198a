import {
  maestroV1Definition,
  maestroV1FieldPath,
  MaestroV1YamlError,
} from '../../src/domain/migration/maestro-v1-definition';
import {
  compareWithStored,
  planSchedulerImport,
  type MaestroV1Scheduler,
  type MaestroV1Version,
} from '../../src/domain/migration/maestro-v1-import-plan';
import { validateScheduler } from '../../src/domain/scheduler/validation';
import { maestroV1Container, maestroV1Yaml } from '../support/maestro-v1-yaml';

const asScheduler = (yamlText: string) =>
  validateScheduler({ ...maestroV1Definition(yamlText), name: 'tennis-eu', game: 'tennis' });

const version = (name: string, createdAt: string, yaml = maestroV1Yaml()): MaestroV1Version => ({
  version: name,
  yaml,
  rollbackVersion: '',
  createdAt,
});

const source = (versions: MaestroV1Version[], activeVersion: string): MaestroV1Scheduler => ({
  name: 'tennis-eu',
  game: 'tennis',
  activeVersion,
  activeYaml: versions.find((row) => row.version === activeVersion)?.yaml ?? maestroV1Yaml(),
  versions,
});

const SCTP_PORT = {
  Containers: [
    maestroV1Container({
      Ports: [{ Name: 'game', Port: 7000, Protocol: 'sctp', HostPort: 0, HostPortRange: null }],
    }),
  ],
};

describe('Maestro v1 YAML definition', () => {
  it('maps every field of the stored schedulerInfo onto the API definition', () => {
    const scheduler = asScheduler(maestroV1Yaml());

    expect(scheduler).toMatchObject({
      maxSurge: '25%',
      roomsReplicas: 2,
      portRange: { start: 40000, end: 60000 },
      annotations: { 'example.com/team': 'tennis' },
      labels: { tier: 'prod' },
      matchAllocation: { maxMatches: 1 },
      autoscaling: {
        enabled: true,
        min: 2,
        max: 50,
        cooldown: 120,
        policy: { type: 'roomOccupancy', parameters: { roomOccupancy: { readyTarget: 0.3 } } },
      },
      forwarders: [
        {
          name: 'matchmaker',
          enable: true,
          type: 'gRPC',
          address: 'matchmaker.tennis:9000',
          options: { timeoutMs: 1000, metadata: { region: 'eu' } },
        },
      ],
    });
    expect(scheduler.spec).toEqual({
      version: 'v1.0.0',
      terminationGracePeriodMs: 100_000,
      toleration: 'game-servers',
      affinity: 'game-nodes',
      restartPolicy: 'Never',
      containers: [
        {
          name: 'server',
          image: 'registry.example.com/tennis/server:1.4.0',
          imagePullPolicy: 'IfNotPresent',
          command: ['./server', '--mode=ranked'],
          environment: [
            { name: 'LOG_LEVEL', value: 'info' },
            { name: 'NODE_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
          ],
          requests: { cpu: '100m', memory: '64Mi' },
          limits: { cpu: '500m', memory: '512Mi' },
          ports: [{ name: 'game', protocol: 'udp', port: 7000 }],
        },
      ],
    });
  });

  it("gives a zero DownThreshold Maestro's default 0.99 and drops Go's zero LastDownscaleAt", () => {
    const scheduler = asScheduler(maestroV1Yaml());

    expect(scheduler.autoscaling?.policy.parameters.roomOccupancy?.downThreshold).toBe(0.99);
    expect(scheduler.lastDownscaleAt).toBeUndefined();
    const downscaled = maestroV1Yaml({ LastDownscaleAt: '2026-11-30T10:00:00Z' });
    expect(asScheduler(downscaled).lastDownscaleAt).toBe('2026-11-30T10:00:00.000Z');
  });

  it('reads nil lists and maps as empty and an absent MatchAllocation as one match', () => {
    const yamlText = maestroV1Yaml({
      Annotations: null,
      Labels: null,
      Forwarders: null,
      Autoscaling: null,
      MatchAllocation: null,
      Containers: [maestroV1Container({ Command: null, Environment: null })],
    });

    const scheduler = asScheduler(yamlText);

    expect(scheduler).toMatchObject({
      annotations: {},
      labels: {},
      forwarders: [],
      matchAllocation: { maxMatches: 1 },
    });
    expect(scheduler.autoscaling).toBeUndefined();
    expect(scheduler.spec.containers[0]).toMatchObject({ command: [], environment: [] });
  });

  it('reads keys in any case, as Go encoding/json does', () => {
    const lower = maestroV1Yaml().replace(/^(\s*-?\s*)([A-Z][A-Za-z]*):/gm, (_m, lead, key) => {
      return `${lead as string}${(key as string).toLowerCase()}:`;
    });

    expect(asScheduler(lower)).toEqual(asScheduler(maestroV1Yaml()));
  });

  it('fails with MaestroV1YamlError when the text is not a YAML mapping', () => {
    expect(() => maestroV1Definition('invalid yaml')).toThrow(MaestroV1YamlError);
    expect(() => maestroV1Definition('a: [b')).toThrow(/is not valid YAML/);
  });

  it.each([
    ['spec.containers[0].requests.cpu', 'Containers[0].Requests.CPU'],
    ['spec.containers[0].ports[1].protocol', 'Containers[0].Ports[1].Protocol'],
    ['spec.terminationGracePeriod', 'TerminationGracePeriod'],
    [
      'spec.containers[0].environment[2].valueFrom.secretKeyRef.name',
      'Containers[0].Environment[2].ValueFrom.SecretKeyRef.name',
    ],
    ['forwarders[1].type', 'Forwarders[1].ForwardType'],
    ['forwarders[0].enable', 'Forwarders[0].Enabled'],
    ['forwarders[0].options.timeout', 'Forwarders[0].Options.Timeout'],
    ['autoscaling.policy.type', 'Autoscaling.Policy.Type'],
    ['maxSurge', 'MaxSurge'],
    ['name', 'schedulers.name column'],
  ])('names %s as Maestro YAML key %s', (apiPath, yamlPath) => {
    expect(maestroV1FieldPath(apiPath)).toBe(yamlPath);
  });
});

describe('planSchedulerImport', () => {
  const options = { skipInvalidVersions: false };

  it('imports every version oldest first, with its rollback version and the active one', () => {
    const rows = [
      { ...version('v2.0.0', '2026-02-01T00:00:00.000Z'), rollbackVersion: 'v1.0.0' },
      version('v1.0.0', '2026-01-01T00:00:00.000Z'),
      version('v1.1.0', '2026-01-15T00:00:00.000Z', maestroV1Yaml({ RoomsReplicas: 5 })),
    ];

    const plan = planSchedulerImport(source(rows, 'v1.1.0'), options);

    expect(plan.isImportable).toBe(true);
    if (!plan.isImportable) return;
    expect(plan.versions.map((v) => v.spec.version)).toEqual(['v1.0.0', 'v1.1.0', 'v2.0.0']);
    expect(plan.versions.map((v) => v.rollbackVersion)).toEqual([undefined, undefined, 'v1.0.0']);
    expect(plan.versions[1]).toMatchObject({ roomsReplicas: 5, state: 'creating', game: 'tennis' });
    expect(plan.activeVersion).toBe('v1.1.0');
  });

  it('refuses a scheduler with an invalid version, naming the field, its YAML key and the rule', () => {
    const rows = [
      version('v1.0.0', '2026-01-01T00:00:00.000Z', maestroV1Yaml(SCTP_PORT)),
      version('v2.0.0', '2026-02-01T00:00:00.000Z', maestroV1Yaml({ MaxSurge: '0%' })),
      version('v3.0.0', '2026-03-01T00:00:00.000Z'),
    ];

    const plan = planSchedulerImport(source(rows, 'v3.0.0'), options);

    expect(plan).toEqual({
      isImportable: false,
      name: 'tennis-eu',
      reason: '2 of its 3 versions are invalid (--skip-invalid-versions imports the others)',
      rejectedVersions: [
        {
          version: 'v1.0.0',
          problems: [
            'spec.containers[0].ports[0].protocol (Maestro: Containers[0].Ports[0].Protocol): sctp is not supported: must be tcp or udp',
          ],
        },
        {
          version: 'v2.0.0',
          problems: [
            'maxSurge (Maestro: MaxSurge): must be an integer of at least 1 or a percentage from 1% to 100%',
          ],
        },
      ],
    });
  });

  it('leaves invalid older versions out with skipInvalidVersions', () => {
    const rows = [
      version('v1.0.0', '2026-01-01T00:00:00.000Z', 'invalid yaml'),
      version('v2.0.0', '2026-02-01T00:00:00.000Z'),
    ];

    const plan = planSchedulerImport(source(rows, 'v2.0.0'), { skipInvalidVersions: true });

    expect(plan).toMatchObject({
      isImportable: true,
      activeVersion: 'v2.0.0',
      skippedVersions: [
        { version: 'v1.0.0', problems: ['yaml: is not a YAML mapping of scheduler fields'] },
      ],
    });
  });

  it('refuses a scheduler whose active version is invalid, even with skipInvalidVersions', () => {
    const rows = [
      version('v1.0.0', '2026-01-01T00:00:00.000Z'),
      version('v2.0.0', '2026-02-01T00:00:00.000Z', maestroV1Yaml({ TerminationGracePeriod: 0 })),
    ];

    const plan = planSchedulerImport(source(rows, 'v2.0.0'), { skipInvalidVersions: true });

    expect(plan).toMatchObject({
      isImportable: false,
      reason: 'its active version v2.0.0 is invalid',
      rejectedVersions: [
        {
          version: 'v2.0.0',
          problems: [
            'spec.terminationGracePeriod (Maestro: TerminationGracePeriod): must be greater than 0',
          ],
        },
      ],
    });
  });

  it('uses schedulers.yaml for an active version that has no scheduler_versions row', () => {
    const scheduler = { ...source([], 'v1.0.0'), activeYaml: maestroV1Yaml({ RoomsReplicas: 7 }) };

    const plan = planSchedulerImport(scheduler, options);

    expect(plan).toMatchObject({ isImportable: true, versions: [{ roomsReplicas: 7 }] });
  });
});

describe('compareWithStored', () => {
  const rows = [
    version('v1.0.0', '2026-01-01T00:00:00.000Z'),
    version('v1.1.0', '2026-01-15T00:00:00.000Z', maestroV1Yaml({ RoomsReplicas: 5 })),
  ];
  const plan = planSchedulerImport(source(rows, 'v1.1.0'), { skipInvalidVersions: false });
  if (!plan.isImportable) throw new Error('fixture must be importable');
  const [first, second] = plan.versions;
  const stored = (versions = plan.versions, activeVersion = 'v1.1.0', state = 'in-sync') => ({
    versions: versions.map((v) => ({ ...v, createdAt: '2026-12-05T08:00:00.000Z' })),
    activeVersion,
    state,
  });

  it('is new when nothing is stored, unchanged when the same versions and active are', () => {
    expect(compareWithStored(plan, undefined)).toEqual({ kind: 'new' });
    expect(compareWithStored(plan, stored())).toEqual({ kind: 'unchanged' });
  });

  it('is incomplete when a scheduler still creating holds only some planned versions', () => {
    expect(compareWithStored(plan, stored([first!], 'v1.0.0', 'creating'))).toEqual({
      kind: 'incomplete',
      missingVersions: ['v1.1.0'],
    });
  });

  it('differs, saying how, when a version or the active version is not the same', () => {
    const changed = { ...second!, roomsReplicas: 9 };

    expect(compareWithStored(plan, stored([first!, changed], 'v1.0.0'))).toEqual({
      kind: 'differs',
      differences: [
        'version v1.1.0 has a different definition here',
        'the active version is v1.0.0 here, v1.1.0 in Maestro',
      ],
    });
  });
});
