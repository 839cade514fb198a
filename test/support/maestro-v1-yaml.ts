import { dump } from 'js-yaml';

/**
 * A scheduler definition as Maestro v1 stores it in `scheduler_versions.yaml`: `ghodss/yaml` of
 * its Go struct `schedulerInfo` (Go field names, nil as null, durations in nanoseconds, keys
 * sorted, an unset `LastDownscaleAt` as Go's zero time). `changes` replace top-level fields.
 */
export function maestroV1Info(changes: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    Affinity: 'game-nodes',
    Annotations: { 'example.com/team': 'tennis' },
    Autoscaling: {
      Cooldown: 120,
      Enabled: true,
      Max: 50,
      Min: 2,
      Policy: {
        Parameters: { FixedBuffer: null, RoomOccupancy: { DownThreshold: 0, ReadyTarget: 0.3 } },
        Type: 'roomOccupancy',
      },
    },
    Containers: [
      {
        Command: ['./server', '--mode=ranked'],
        Environment: [
          { Name: 'LOG_LEVEL', Value: 'info', ValueFrom: null },
          {
            Name: 'NODE_IP',
            Value: '',
            ValueFrom: { FieldRef: { fieldPath: 'status.hostIP' }, SecretKeyRef: null },
          },
        ],
        Image: 'registry.example.com/tennis/server:1.4.0',
        ImagePullPolicy: 'IfNotPresent',
        Limits: { CPU: '500m', Memory: '512Mi' },
        Name: 'server',
        Ports: [{ HostPort: 0, HostPortRange: null, Name: 'game', Port: 7000, Protocol: 'udp' }],
        Requests: { CPU: '100m', Memory: '64Mi' },
      },
    ],
    Forwarders: [
      {
        Address: 'matchmaker.tennis:9000',
        Enabled: true,
        ForwardType: 'gRPC',
        Name: 'matchmaker',
        Options: { Metadata: { region: 'eu' }, Timeout: 1000 },
      },
    ],
    Labels: { tier: 'prod' },
    LastDownscaleAt: '0001-01-01T00:00:00Z',
    MatchAllocation: { MaxMatches: 1 },
    MaxSurge: '25%',
    PortRange: { End: 60000, Start: 40000 },
    RoomsReplicas: 2,
    TerminationGracePeriod: 100_000_000_000,
    Toleration: 'game-servers',
    ...changes,
  };
}

/** `maestroV1Info(changes)` as the YAML text Maestro writes. */
export function maestroV1Yaml(changes: Record<string, unknown> = {}): string {
  return dump(maestroV1Info(changes), { sortKeys: true });
}

/** The first container of `maestroV1Info()` with `changes`. */
export function maestroV1Container(changes: Record<string, unknown>): Record<string, unknown> {
  const [container] = maestroV1Info()['Containers'] as Record<string, unknown>[];
  return { ...container, ...changes };
}
