import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { load } from 'js-yaml';
import { ManagementClient } from '@maestro/management-client';
import {
  parseProfilesFile,
  profilesFilePath,
  resolveClientSettings,
  type ClientFlags,
  type ClientSettings,
} from '../../config/cli-settings';

/** The client commands' connection: settings resolved once, the Management API client. */
export interface ClientContext {
  settings: ClientSettings;
  management: ManagementClient;
}

/** Flags, else `MAESTRO_SERVER`/`MAESTRO_TOKEN`/…, else the profile, else the defaults. */
export function clientContext(
  flags: ClientFlags,
  env: Readonly<Record<string, string | undefined>>,
): ClientContext {
  const path = profilesFilePath(env, os.homedir());
  const file = existsSync(path)
    ? parseProfilesFile(load(readFileSync(path, 'utf8')), path)
    : undefined;
  const settings = resolveClientSettings(flags, env, file);
  return {
    settings,
    management: new ManagementClient({ server: settings.server, token: settings.token }),
  };
}
