import { z } from 'zod';
import { cliClientVariables } from './schema';

export const DEFAULT_SERVER = 'http://localhost:8080';
export const DEFAULT_ROOMS_SERVER = 'http://localhost:8070';

/** Where the CLI's client commands connect, and with which credential. */
export interface ClientSettings {
  server: string;
  roomsServer: string;
  token?: string;
  /** The profile the settings came from, if any. */
  profile?: string;
}

/** What `--server`, `--rooms-server`, `--token` and `--profile` were given as. */
export interface ClientFlags {
  server?: string;
  roomsServer?: string;
  token?: string;
  profile?: string;
}

const profileSchema = z
  .object({
    server: z.url().optional(),
    roomsServer: z.url().optional(),
    token: z.string().optional(),
  })
  .strict();

/** ~/.config/maestro/cli.yaml: named profiles and the one used by default. */
export const profilesFileSchema = z
  .object({
    current: z.string().optional(),
    profiles: z.record(z.string(), profileSchema).default({}),
  })
  .strict();
export type ProfilesFile = z.output<typeof profilesFileSchema>;

/** A problem with the client settings, naming where it came from. */
export class ClientSettingsError extends Error {
  override readonly name = 'ClientSettingsError';
}

/**
 * The client settings: each from its flag, else its `MAESTRO_*` variable, else the profile (the
 * flag's, the variable's, else the file's `current`), else the default.
 */
export function resolveClientSettings(
  flags: ClientFlags,
  env: Readonly<Record<string, string | undefined>>,
  file: ProfilesFile | undefined,
): ClientSettings {
  const variables = readVariables(env);
  const profileName = flags.profile ?? (variables.MAESTRO_PROFILE || file?.current);
  const profile = profileName === undefined ? {} : file?.profiles[profileName];
  if (!profile) {
    throw new ClientSettingsError(
      `profile "${profileName}" is not in the profiles file (profiles: ${Object.keys(file?.profiles ?? {}).join(', ') || 'none'})`,
    );
  }
  return {
    server: flags.server ?? (variables.MAESTRO_SERVER || profile.server || DEFAULT_SERVER),
    roomsServer:
      flags.roomsServer ??
      (variables.MAESTRO_ROOMS_SERVER || profile.roomsServer || DEFAULT_ROOMS_SERVER),
    token: flags.token ?? (variables.MAESTRO_TOKEN || profile.token),
    profile: profileName,
  };
}

function readVariables(env: Readonly<Record<string, string | undefined>>) {
  const set = Object.fromEntries(
    Object.keys(cliClientVariables.shape)
      .map((name) => [name, env[name]] as const)
      .filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = cliClientVariables.safeParse(set);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`);
    throw new ClientSettingsError(problems.join('; '));
  }
  return parsed.data;
}

/** Parses the profiles file's YAML-decoded content, naming every problem. */
export function parseProfilesFile(content: unknown, path: string): ProfilesFile {
  const parsed = profilesFileSchema.safeParse(content ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`);
  throw new ClientSettingsError(`${path}: ${problems.join('; ')}`);
}

/** The profiles file: `$XDG_CONFIG_HOME/maestro/cli.yaml`, else `~/.config/maestro/cli.yaml`. */
export function profilesFilePath(
  env: Readonly<Record<string, string | undefined>>,
  home: string,
): string {
  const base = env['XDG_CONFIG_HOME'] || `${home}/.config`;
  return `${base}/maestro/cli.yaml`;
}
