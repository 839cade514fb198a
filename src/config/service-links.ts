import { isIP } from 'node:net';
import { environmentSchema } from './schema';

/**
 * Kubernetes gives every container, for every Service in its namespace (unless the pod sets
 * `enableServiceLinks: false`), the variables of kubelet's `envvars.FromServices`. For a Service
 * `maestro-rooms-api` with port 8070 named `http` on cluster IP 10.0.0.1:
 *
 *   MAESTRO_ROOMS_API_SERVICE_HOST=10.0.0.1           MAESTRO_ROOMS_API_PORT=tcp://10.0.0.1:8070
 *   MAESTRO_ROOMS_API_SERVICE_PORT=8070               MAESTRO_ROOMS_API_PORT_8070_TCP=tcp://10.0.0.1:8070
 *   MAESTRO_ROOMS_API_SERVICE_PORT_HTTP=8070          MAESTRO_ROOMS_API_PORT_8070_TCP_PROTO=tcp
 *                                                     MAESTRO_ROOMS_API_PORT_8070_TCP_PORT=8070
 *                                                     MAESTRO_ROOMS_API_PORT_8070_TCP_ADDR=10.0.0.1
 *
 * They look like maestro settings (`MAESTRO_ROOMS_API_PORT` is one), so the strict schema would
 * reject them and the pod would crash-loop. A variable counts as a service link only when both its
 * name and its value have exactly one of these shapes; anything else (a typo such as
 * `MAESTRO_ROOMS_API_PROT`, or a real setting with a wrong value) is still an error.
 */
const PROTOCOL = '(TCP|UDP|SCTP)';
const PORT = '([1-9][0-9]{0,4})';

/** `proto://host:port` as kubelet writes it (IPv6 hosts in brackets). */
const LINK_URL = /^(tcp|udp|sctp):\/\/(?:\[([0-9a-fA-F:.]+)\]|([0-9.]+)):([1-9][0-9]{0,4})$/;

interface LinkUrl {
  protocol: string;
  port: string;
}

function parseLinkUrl(value: string): LinkUrl | undefined {
  const match = LINK_URL.exec(value);
  if (!match) return undefined;
  const [, protocol, ipv6, ipv4, port] = match;
  const host = ipv6 ?? ipv4 ?? '';
  if (isIP(host) !== (ipv6 === undefined ? 4 : 6) || !isPort(port)) return undefined;
  return { protocol: protocol!, port: port! };
}

const isPort = (value: string | undefined) =>
  value !== undefined && /^[1-9][0-9]{0,4}$/.test(value) && Number(value) <= 65535;

/** One shape: a name pattern and what its value must be, given the name's captured groups. */
interface LinkShape {
  name: RegExp;
  isValue: (value: string, groups: readonly string[]) => boolean;
  /** The value is a `proto://host:port` link URL, which no setting ever holds. */
  isLinkUrl?: true;
}

const SHAPES: readonly LinkShape[] = [
  { name: /^.+_SERVICE_HOST$/, isValue: (value) => isIP(value) !== 0 },
  { name: /^.+_SERVICE_PORT$/, isValue: isPort },
  { name: /^.+_SERVICE_PORT_[A-Z0-9_]+$/, isValue: isPort },
  { name: /^.+_PORT$/, isValue: (value) => parseLinkUrl(value) !== undefined, isLinkUrl: true },
  {
    name: new RegExp(`^.+_PORT_${PORT}_${PROTOCOL}$`),
    isLinkUrl: true,
    isValue: (value, [port, protocol]) => {
      const link = parseLinkUrl(value);
      return link !== undefined && link.port === port && link.protocol === protocol?.toLowerCase();
    },
  },
  {
    name: new RegExp(`^.+_PORT_${PORT}_${PROTOCOL}_PROTO$`),
    isValue: (value, [, protocol]) => value === protocol?.toLowerCase(),
  },
  {
    name: new RegExp(`^.+_PORT_${PORT}_${PROTOCOL}_PORT$`),
    isValue: (value, [port]) => value === port,
  },
  { name: new RegExp(`^.+_PORT_${PORT}_${PROTOCOL}_ADDR$`), isValue: (value) => isIP(value) !== 0 },
];

/**
 * Whether `name=value` is a Kubernetes service-link variable. A real setting (`isSetting`, e.g.
 * `MAESTRO_ROOMS_API_PORT`) is one only in the link-URL shapes: no setting ever holds `tcp://…`,
 * while a plain number given to a setting is that setting, even should a future setting's name end
 * like a link variable.
 */
export function isServiceLinkVariable(name: string, value: string, isSetting: boolean): boolean {
  const shapes = isSetting ? SHAPES.filter((shape) => shape.isLinkUrl) : SHAPES;
  return shapes.some((shape) => {
    const match = shape.name.exec(name);
    return match !== null && shape.isValue(value, match.slice(1));
  });
}

/**
 * The `MAESTRO_*` variables of `env` that Kubernetes injected for Services in the namespace, sorted.
 * `loadConfig` ignores them instead of rejecting them; the CLI logs their names once.
 */
export function ignoredServiceLinkVariables(
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  return Object.entries(env)
    .filter(
      ([name, value]) =>
        name.startsWith('MAESTRO_') &&
        value !== undefined &&
        isServiceLinkVariable(name, value, name in environmentSchema.shape),
    )
    .map(([name]) => name)
    .sort();
}
