/**
 * A valid scheduler for tests that need one but no services (unit tests import it without
 * loading the integration harnesses), and for the benchmarks.
 */
import type { Scheduler } from '../../src/domain/scheduler/scheduler';
import { validateScheduler } from '../../src/domain/scheduler/validation';

/** A minimal valid definition, as an API caller sends it: rooms that sleep on the local runtime. */
export function schedulerDefinition(name: string) {
  return {
    name,
    game: 'tennis',
    maxSurge: '10%',
    roomsReplicas: 0,
    portRange: { start: 40000, end: 40999 },
    spec: {
      terminationGracePeriodMs: 5_000,
      containers: [
        {
          name: 'game',
          image: 'tennis',
          imagePullPolicy: 'IfNotPresent',
          command: ['sleep', '600'],
          environment: [],
          requests: { cpu: '10m', memory: '16Mi' },
          limits: { cpu: '10m', memory: '16Mi' },
          ports: [{ name: 'game', protocol: 'udp', port: 7000 }],
        },
      ],
    },
  };
}

/** {@link schedulerDefinition}, validated, with the given overrides (and forwarders). */
export function testScheduler(
  name: string,
  overrides: Omit<Partial<Scheduler>, 'forwarders'> & { forwarders?: unknown[] } = {},
): Scheduler {
  return validateScheduler({ ...schedulerDefinition(name), ...overrides });
}
