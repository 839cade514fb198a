import { loadClientConfigProfile, type ClientConfigProfile } from '@temporalio/envconfig';
import type { ConfigDataSource } from '@temporalio/envconfig';
import type { ConfigProblem } from './problems';
import type { Environment } from './schema';
import {
  checkTlsMaterial,
  type PemSource,
  type TemporalTlsSettings,
} from './temporal-tls-material';

export type { PemSource, TemporalTlsSettings } from './temporal-tls-material';

/** How maestro connects to Temporal, merged from MAESTRO_*, TEMPORAL_* and the TOML profile. */
export interface TemporalConnectionSettings {
  address: string;
  namespace: string;
  apiKey?: string;
  /** Absent: plaintext. */
  tls?: TemporalTlsSettings;
  /** gRPC headers of the profile (`grpc_meta`, `TEMPORAL_GRPC_META_*`). */
  metadata: Record<string, string>;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Resolves the Temporal connection with this precedence per setting: a `MAESTRO_TEMPORAL_*` that
 * is set, else the `TEMPORAL_*` variable, else the TOML profile (`TEMPORAL_CONFIG_FILE`,
 * `TEMPORAL_PROFILE`; Temporal's own rules via `@temporalio/envconfig`), else maestro's default.
 * Returns every problem found, each naming the setting and the rule.
 */
export function resolveTemporalConnection(
  env: Env,
  maestro: Environment,
): { settings?: TemporalConnectionSettings; problems: ConfigProblem[] } {
  const loaded = loadProfile(env);
  if ('problem' in loaded) return { problems: [loaded.problem] };
  const { profile } = loaded;
  const problems: ConfigProblem[] = [];
  const pick = (name: keyof Environment, lower: string | undefined) =>
    isSet(env, name) ? String(maestro[name]) : lower;
  const apiKey = pick('MAESTRO_TEMPORAL_API_KEY', profile.apiKey);
  const tls = pickTlsMaterial(env, profile, lowerLayerNames(env), problems);
  const isTlsOn = decideTls(env, maestro, profile, tls.isGiven || apiKey !== undefined, problems);
  if (isTlsOn) problems.push(...checkTlsMaterial(tls.settings));
  if (problems.length > 0) return { problems };
  return {
    problems,
    settings: {
      address:
        pick('MAESTRO_TEMPORAL_ADDRESS', profile.address) ?? maestro.MAESTRO_TEMPORAL_ADDRESS,
      namespace:
        pick('MAESTRO_TEMPORAL_NAMESPACE', profile.namespace) ?? maestro.MAESTRO_TEMPORAL_NAMESPACE,
      ...(apiKey !== undefined && { apiKey }),
      ...(isTlsOn && { tls: tls.settings }),
      metadata: profile.grpcMeta ?? {},
    },
  };
}

const isSet = (env: Env, name: string) => (env[name] ?? '') !== '';

function loadProfile(env: Env): { profile: ClientConfigProfile } | { problem: ConfigProblem } {
  try {
    return { profile: loadClientConfigProfile({ overrideEnvVars: temporalEnv(env) }) };
  } catch (error) {
    return { problem: profileProblem(env, error) };
  }
}

/**
 * MAESTRO_TEMPORAL_TLS when set (false with MAESTRO TLS files is a contradiction), else
 * TEMPORAL_TLS / the profile's `tls.disabled`, else on when any TLS material or an API key is given.
 */
function decideTls(
  env: Env,
  maestro: Environment,
  profile: ClientConfigProfile,
  isImplied: boolean,
  problems: ConfigProblem[],
): boolean {
  if (isSet(env, 'MAESTRO_TEMPORAL_TLS')) {
    if (maestro.MAESTRO_TEMPORAL_TLS === 'false') problems.push(...contradictions(env));
    return maestro.MAESTRO_TEMPORAL_TLS === 'true';
  }
  if (profile.tls?.disabled !== undefined) return !profile.tls.disabled;
  return isImplied;
}

/** Temporal's variables for envconfig: an empty one counts as unset, as for MAESTRO_* (except
 * `TEMPORAL_GRPC_META_*`, where empty removes a profile's header). HOME and XDG_CONFIG_HOME
 * locate the default profile file. */
function temporalEnv(env: Env): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] =>
        entry[1] !== undefined &&
        (entry[0].startsWith('TEMPORAL_GRPC_META_') ||
          (entry[1] !== '' &&
            (entry[0].startsWith('TEMPORAL_') || ['HOME', 'XDG_CONFIG_HOME'].includes(entry[0])))),
    ),
  );
}

function profileProblem(env: Env, error: unknown): ConfigProblem {
  const message = error instanceof Error ? error.message : String(error);
  const variable = /^Profile '/.test(message)
    ? 'TEMPORAL_PROFILE'
    : env['TEMPORAL_CONFIG_FILE']
      ? 'TEMPORAL_CONFIG_FILE'
      : 'Temporal profile file';
  return { variable, message: `cannot be loaded: ${message}` };
}

/** Names a TEMPORAL_* variable when set, else the profile key it came from. */
function lowerLayerNames(env: Env) {
  const profile = env['TEMPORAL_PROFILE'] || 'default';
  const file = env['TEMPORAL_CONFIG_FILE'] || 'temporal.toml';
  return (variable: string, key: string) =>
    env[variable] ? variable : `${file} [profile.${profile}] ${key}`;
}

function pickTlsMaterial(
  env: Env,
  profile: ClientConfigProfile,
  name: ReturnType<typeof lowerLayerNames>,
  problems: ConfigProblem[],
): { settings: TemporalTlsSettings; isGiven: boolean } {
  const fromMaestro = (variable: string) =>
    env[variable] ? { setting: variable, path: env[variable] } : undefined;
  const lower = (source: ConfigDataSource | undefined, variable: string, key: string) =>
    source && toPem(source, name(variable + ('path' in source ? '_PATH' : '_DATA'), key));
  const serverName = env['MAESTRO_TEMPORAL_TLS_SERVER_NAME'] || profile.tls?.serverName;
  const serverCa =
    fromMaestro('MAESTRO_TEMPORAL_TLS_CA_FILE') ??
    lower(profile.tls?.serverCACert, 'TEMPORAL_TLS_SERVER_CA_CERT', 'tls.server_ca_cert');
  const isMaestroPair = Boolean(
    env['MAESTRO_TEMPORAL_TLS_CERT_FILE'] || env['MAESTRO_TEMPORAL_TLS_KEY_FILE'],
  );
  const cert = isMaestroPair
    ? fromMaestro('MAESTRO_TEMPORAL_TLS_CERT_FILE')
    : lower(profile.tls?.clientCert, 'TEMPORAL_TLS_CLIENT_CERT', 'tls.client_cert');
  const key = isMaestroPair
    ? fromMaestro('MAESTRO_TEMPORAL_TLS_KEY_FILE')
    : lower(profile.tls?.clientKey, 'TEMPORAL_TLS_CLIENT_KEY', 'tls.client_key');
  if (Boolean(cert) !== Boolean(key)) problems.push(unpaired(cert, key, isMaestroPair));
  return {
    isGiven: Boolean(serverName || serverCa || cert || key),
    settings: {
      ...(serverName && { serverName }),
      ...(serverCa && { serverCa }),
      ...(cert && key && { clientCert: { cert, key } }),
    },
  };
}

function toPem(source: ConfigDataSource, setting: string): PemSource {
  if ('path' in source) return { setting, path: source.path };
  const pem = typeof source.data === 'string' ? source.data : Buffer.from(source.data).toString();
  return { setting, pem };
}

function unpaired(cert?: PemSource, key?: PemSource, isMaestro = false): ConfigProblem {
  if (isMaestro) {
    return cert
      ? {
          variable: 'MAESTRO_TEMPORAL_TLS_CERT_FILE',
          message: 'needs MAESTRO_TEMPORAL_TLS_KEY_FILE',
        }
      : {
          variable: 'MAESTRO_TEMPORAL_TLS_KEY_FILE',
          message: 'needs MAESTRO_TEMPORAL_TLS_CERT_FILE',
        };
  }
  const given = (cert ?? key)!;
  const missing = cert ? 'a client key' : 'a client certificate';
  return { variable: given.setting, message: `is set without ${missing}` };
}

function contradictions(env: Env): ConfigProblem[] {
  const tlsOnly = [
    'MAESTRO_TEMPORAL_TLS_CA_FILE',
    'MAESTRO_TEMPORAL_TLS_SERVER_NAME',
    'MAESTRO_TEMPORAL_TLS_CERT_FILE',
    'MAESTRO_TEMPORAL_TLS_KEY_FILE',
  ] as const;
  return tlsOnly
    .filter((variable) => isSet(env, variable))
    .map((variable) => ({
      variable,
      message: 'is set but MAESTRO_TEMPORAL_TLS is false',
    }));
}
