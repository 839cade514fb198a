import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { load } from 'js-yaml';
import { ManagementClient } from '@maestro/management-client';
import { RoomsClient } from '@maestro/rooms-client';
import {
  parseProfilesFile,
  profilesFilePath,
  resolveClientSettings,
  type ClientFlags,
  type ClientSettings,
} from '../../config/cli-settings';

/** The client commands' connection: settings resolved once, the two APIs' clients. */
export interface ClientContext {
  settings: ClientSettings;
  management: ManagementClient;
  /** The Rooms API over HTTP; `roomToken` is sent on the calls about one room. */
  rooms: (roomToken?: string) => RoomsClient;
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
    rooms: (roomToken) =>
      new RoomsClient({
        address: settings.roomsServer,
        ...(settings.token && { token: settings.token }),
        ...(roomToken && { roomToken }),
      }),
  };
}
