import { isIP } from 'node:net';
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { InstancePort, RoomAddress } from '../../../domain/game-room/instance';

/** Which node address players get, best first (Maestro's order). */
export const NODE_ADDRESS_PREFERENCE = [
  'ExternalDNS',
  'ExternalIP',
  'InternalDNS',
  'InternalIP',
] as const;

/** The address players should use to reach a node; undefined when it has none of the kinds. */
export function nodeHost(node: V1Node): string | undefined {
  const addresses = node.status?.addresses ?? [];
  for (const type of NODE_ADDRESS_PREFERENCE) {
    const isIpType = type.endsWith('IP');
    const found = addresses.find(
      (address) => address.type === type && (!isIpType || isIP(address.address) !== 0),
    );
    if (found) return found.address;
  }
  return undefined;
}

/** The pod's ports that have a host port, as players see them: `{name, protocol, hostPort}`. */
export function podPorts(pod: V1Pod): InstancePort[] {
  return (pod.spec?.containers ?? []).flatMap((container) =>
    (container.ports ?? [])
      .filter((port) => port.hostPort !== undefined && port.hostPort !== 0)
      .map((port) => ({
        name: port.name ?? '',
        protocol: port.protocol ?? 'TCP',
        port: port.hostPort!,
      })),
  );
}

interface CachedHost {
  expiresAt: number;
  host: Promise<string | undefined>;
}

/**
 * Node hosts by node name, cached for `ttlMs` so that listing or watching many rooms costs one
 * node read per node. Concurrent lookups of one node share a request; a failed lookup is not
 * cached.
 */
export class NodeHosts {
  private readonly cache = new Map<string, CachedHost>();

  constructor(
    private readonly readNode: (name: string) => Promise<V1Node | undefined>,
    private readonly ttlMs: number,
  ) {}

  /** The host of the node, undefined when the node does not exist or has no usable address. */
  host(nodeName: string): Promise<string | undefined> {
    const cached = this.cache.get(nodeName);
    if (cached && cached.expiresAt > Date.now()) return cached.host;
    const host = this.readNode(nodeName).then((node) => (node ? nodeHost(node) : undefined));
    this.cache.set(nodeName, { expiresAt: Date.now() + this.ttlMs, host });
    void host.catch(() => {
      if (this.cache.get(nodeName)?.host === host) this.cache.delete(nodeName);
    });
    return host;
  }

  /** Where players reach the pod; undefined while it has no node or its node no address. */
  async addressOf(pod: V1Pod): Promise<RoomAddress | undefined> {
    const nodeName = pod.spec?.nodeName;
    if (!nodeName) return undefined;
    const host = await this.host(nodeName);
    return host === undefined ? undefined : { host, ports: podPorts(pod) };
  }
}
