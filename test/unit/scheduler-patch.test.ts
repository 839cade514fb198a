import { ErrorCode } from '../../src/domain/errors';
import {
  applySchedulerPatch,
  SchedulerUnchangedError,
  type SchedulerPatch,
} from '../../src/domain/scheduler/patch';
import type { Scheduler } from '../../src/domain/scheduler/scheduler';
import { SchedulerValidationError, validateScheduler } from '../../src/domain/scheduler/validation';

const gameContainer = {
  name: 'game',
  image: 'tennis/server:1.4.0',
  imagePullPolicy: 'IfNotPresent',
  command: ['./server'],
  environment: [{ name: 'MODE', value: 'ranked' }],
  requests: { cpu: '100m', memory: '64Mi' },
  limits: { cpu: '500m', memory: '1Gi' },
  ports: [{ name: 'game', protocol: 'udp', port: 7000 }],
};

const current: Scheduler = validateScheduler({
  name: 'tennis-eu',
  game: 'tennis',
  state: 'in-sync',
  maxSurge: '25%',
  roomsReplicas: 3,
  portRange: { start: 40000, end: 41000 },
  spec: { version: 'v1.2.0', terminationGracePeriodMs: 30_000, containers: [gameContainer] },
  autoscaling: {
    enabled: true,
    min: 2,
    max: 10,
    cooldown: 60,
    policy: { type: 'roomOccupancy', parameters: { roomOccupancy: { readyTarget: 0.5 } } },
  },
  forwarders: [{ name: 'matchmaker', enable: true, type: 'gRPC', address: 'mm:9000' }],
  annotations: { team: 'tennis' },
  labels: { tier: 'prod' },
});
const { autoscaling: _autoscaling, ...withoutAutoscaling } = current;

const errorOf = (run: () => unknown): unknown => {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
};

const problemsOf = (run: () => unknown): string[] => {
  try {
    run();
    return [];
  } catch (error) {
    if (!(error instanceof SchedulerValidationError)) throw error;
    return error.problems.map((p) => `${p.field}: ${p.message}`);
  }
};

describe('applySchedulerPatch', () => {
  it('replaces only the top-level fields present in the patch', () => {
    const patch: SchedulerPatch = {
      maxSurge: '2',
      roomsReplicas: 0,
      portRange: { start: 50000, end: 50100 },
      matchAllocation: { maxMatches: 4 },
    };

    const patched = applySchedulerPatch(current, patch);

    expect(patched).toEqual({ ...current, ...patch });
  });

  it('patches a container field by field when its index is given', () => {
    const patched = applySchedulerPatch(current, {
      spec: { containers: [{ image: 'tennis/server:1.5.0' }], toleration: 'game-servers' },
    });

    expect(patched.spec.containers).toEqual([
      { ...current.spec.containers[0], image: 'tennis/server:1.5.0' },
    ]);
    expect(patched.spec).toMatchObject({ toleration: 'game-servers', version: 'v1.2.0' });
  });

  it('appends a container when the index is past the end', () => {
    const sidecar = { ...gameContainer, name: 'sidecar', ports: [] };

    const patched = applySchedulerPatch(current, { spec: { containers: [{}, sidecar] } });

    expect(patched.spec.containers.map((c) => c.name)).toEqual(['game', 'sidecar']);
  });

  it('reports the missing fields of an appended container when it is incomplete', () => {
    const run = () => applySchedulerPatch(current, { spec: { containers: [{}, { name: 'x' }] } });

    expect(problemsOf(run)).toEqual([
      'spec.containers[1].image: is required',
      'spec.containers[1].imagePullPolicy: must be one of Always, Never, IfNotPresent',
      'spec.containers[1].requests.cpu: is required',
      'spec.containers[1].requests.memory: is required',
      'spec.containers[1].limits.cpu: is required',
      'spec.containers[1].limits.memory: is required',
    ]);
  });

  it('patches autoscaling field by field and replaces the policy whole', () => {
    const fixedBuffer = { type: 'fixedBuffer', parameters: { fixedBuffer: { amount: 5 } } };

    const patched = applySchedulerPatch(current, { autoscaling: { max: 20, policy: fixedBuffer } });

    expect(patched.autoscaling).toEqual({
      enabled: true,
      min: 2,
      max: 20,
      cooldown: 60,
      policy: fixedBuffer,
    });
  });

  it('drops scaleToZero when min rises above 0, and keeps it while min stays 0', () => {
    const atZero = applySchedulerPatch(current, {
      autoscaling: { min: 0, scaleToZero: { idleAfter: '30m', allocateWait: '10s' } },
    });

    const raised = applySchedulerPatch(atZero, { autoscaling: { min: 2 } });
    const stillZero = applySchedulerPatch(atZero, { autoscaling: { max: 9 } });

    expect(atZero.autoscaling?.scaleToZero).toEqual({ idleAfter: '30m', allocateWait: '10s' });
    expect(raised.autoscaling).not.toHaveProperty('scaleToZero');
    expect(raised.autoscaling?.min).toBe(2);
    expect(stillZero.autoscaling?.scaleToZero).toEqual({ idleAfter: '30m', allocateWait: '10s' });
  });

  it('builds autoscaling from zero values when the scheduler has none', () => {
    const policy = { type: 'fixedBuffer', parameters: { fixedBuffer: { amount: 3 } } };

    const patched = applySchedulerPatch(withoutAutoscaling, {
      autoscaling: { enabled: true, min: 1, max: -1, policy },
    });
    const invalid = () => applySchedulerPatch(withoutAutoscaling, { autoscaling: { max: 5 } });

    expect(patched.autoscaling).toEqual({ enabled: true, min: 1, max: -1, cooldown: 0, policy });
    // min 0 is valid (scale to zero); the missing policy is not.
    expect(problemsOf(invalid)).toEqual([
      'autoscaling.policy.type: must be one of roomOccupancy, fixedBuffer, webhook, schedule, chain',
    ]);
  });

  it('replaces forwarders, annotations and labels whole, and clears them when empty', () => {
    const forwarder = { name: 'stats', enable: false, type: 'gRPC', address: 'stats:9000' };

    const replaced = applySchedulerPatch(current, {
      forwarders: [forwarder],
      annotations: { owner: 'ops' },
    });
    const cleared = applySchedulerPatch(current, { forwarders: [], labels: {} });

    expect(replaced.forwarders).toEqual([
      { ...forwarder, options: { timeoutMs: 1000, metadata: {} } },
    ]);
    expect(replaced.annotations).toEqual({ owner: 'ops' });
    expect(replaced.labels).toEqual(current.labels);
    expect(cleared).toMatchObject({ forwarders: [], labels: {}, annotations: current.annotations });
  });

  it('throws CONFLICT "no change found" when the patch is empty', () => {
    const error = errorOf(() => applySchedulerPatch(current, {}));

    expect(error).toBeInstanceOf(SchedulerUnchangedError);
    expect(error).toMatchObject({
      code: ErrorCode.CONFLICT,
      message: 'no change found to scheduler tennis-eu',
    });
  });

  it('throws CONFLICT when every present field already has its value', () => {
    const run = () =>
      applySchedulerPatch(current, {
        maxSurge: '25%',
        spec: { containers: [{ image: gameContainer.image }] },
        autoscaling: { min: 2 },
      });

    expect(run).toThrow(SchedulerUnchangedError);
  });

  it('reports the broken rule when the patched scheduler is invalid', () => {
    const run = () => applySchedulerPatch(current, { maxSurge: '0%', spec: { affinity: 'x' } });

    expect(problemsOf(run)).toEqual([
      'maxSurge: must be an integer of at least 1 or a percentage from 1% to 100%',
    ]);
  });

  it('leaves the current scheduler untouched', () => {
    const before = structuredClone(current);

    applySchedulerPatch(current, { spec: { containers: [{ image: 'x:2' }] }, labels: {} });

    expect(current).toEqual(before);
  });
});
