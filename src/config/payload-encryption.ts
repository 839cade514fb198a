import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ConfigProblem } from './problems';
import type { Environment } from './schema';

/** One AES-256 key of the payload codec, named by the id written beside each payload it seals. */
export interface PayloadKey {
  id: string;
  /** 32 bytes. */
  key: Uint8Array;
}

/**
 * Encryption of Temporal payloads: every key decrypts, the active one also encrypts. Absent from
 * the config when no key is configured (payloads stay plain).
 */
export interface PayloadEncryptionConfig {
  keys: readonly PayloadKey[];
  activeKeyId: string;
  /** Origins (the Temporal UI's) allowed to call the codec endpoint from a browser. */
  codecCorsOrigins: readonly string[];
}

export const KEY_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
const KEY_BYTES = 32;

/**
 * Reads the payload keys of `MAESTRO_PAYLOAD_KEYS` (`id:base64,…`) and of the files in
 * `MAESTRO_PAYLOAD_KEYS_DIR` (one key per file, named by its id: a mounted Kubernetes secret),
 * checks each is 32 bytes and that the active key is one of them. Every problem names its variable.
 */
export function resolvePayloadEncryption(env: Environment): {
  settings?: PayloadEncryptionConfig;
  problems: ConfigProblem[];
} {
  const problems: ConfigProblem[] = [];
  const keys = [
    ...keysFromList(env.MAESTRO_PAYLOAD_KEYS, problems),
    ...keysFromDirectory(env.MAESTRO_PAYLOAD_KEYS_DIR, problems),
  ];
  checkUniqueIds(keys, problems);
  const activeKeyId = pickActiveKey(env.MAESTRO_PAYLOAD_ACTIVE_KEY, keys, problems);
  const codecCorsOrigins = env.MAESTRO_CODEC_CORS_ORIGINS.split(',').filter((o) => o !== '');
  if (problems.length > 0 || keys.length === 0 || activeKeyId === undefined) return { problems };
  return {
    problems,
    settings: { keys: keys.map(({ id, key }) => ({ id, key })), activeKeyId, codecCorsOrigins },
  };
}

type SourcedKey = PayloadKey & { setting: string };

function keysFromList(list: string, problems: ConfigProblem[]): SourcedKey[] {
  const variable = 'MAESTRO_PAYLOAD_KEYS';
  if (list === '') return [];
  return list.split(',').flatMap((entry, index) => {
    const separator = entry.indexOf(':');
    const id = separator < 0 ? '' : entry.slice(0, separator).trim();
    if (!KEY_ID_PATTERN.test(id)) {
      problems.push({
        variable,
        message: `entry ${index + 1} must be id:base64key with an id matching ${KEY_ID_PATTERN.source}`,
      });
      return [];
    }
    const key = decodeKey(entry.slice(separator + 1), `key "${id}"`, variable, problems);
    return key ? [{ id, key, setting: variable }] : [];
  });
}

function keysFromDirectory(directory: string, problems: ConfigProblem[]): SourcedKey[] {
  const variable = 'MAESTRO_PAYLOAD_KEYS_DIR';
  if (directory === '') return [];
  let names: string[];
  try {
    // Kubernetes secret volumes hold `..data` links beside the keys: dot files are not keys.
    names = readdirSync(directory).filter((name) => !name.startsWith('.'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    problems.push({ variable, message: `cannot read directory ${directory} (${reason})` });
    return [];
  }
  return names.flatMap((name) => {
    const file = path.join(directory, name);
    if (!statSync(file, { throwIfNoEntry: false })?.isFile()) return [];
    if (!KEY_ID_PATTERN.test(name)) {
      problems.push({
        variable,
        message: `file ${file}: its name (the key id) must match ${KEY_ID_PATTERN.source}`,
      });
      return [];
    }
    const key = decodeKey(readFileSync(file, 'utf8'), `file ${file}`, variable, problems);
    return key ? [{ id: name, key, setting: variable }] : [];
  });
}

function decodeKey(
  text: string,
  what: string,
  variable: string,
  problems: ConfigProblem[],
): Uint8Array | undefined {
  const trimmed = text.trim();
  const key = Buffer.from(trimmed, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || key.length !== KEY_BYTES) {
    problems.push({
      variable,
      message: `${what} must be ${KEY_BYTES} bytes in base64 (openssl rand -base64 32)`,
    });
    return undefined;
  }
  return new Uint8Array(key);
}

function checkUniqueIds(keys: readonly SourcedKey[], problems: ConfigProblem[]) {
  const seen = new Set<string>();
  for (const { id, setting } of keys) {
    if (seen.has(id))
      problems.push({ variable: setting, message: `key id "${id}" is given twice` });
    seen.add(id);
  }
}

function pickActiveKey(
  active: string,
  keys: readonly SourcedKey[],
  problems: ConfigProblem[],
): string | undefined {
  const variable = 'MAESTRO_PAYLOAD_ACTIVE_KEY';
  if (active === '') {
    if (keys.length === 1) return keys[0]?.id;
    if (keys.length > 1) {
      problems.push({ variable, message: 'must name the key that encrypts (several keys given)' });
    }
    return undefined;
  }
  if (!keys.some((key) => key.id === active)) {
    problems.push({
      variable,
      message: `"${active}" is none of the keys of MAESTRO_PAYLOAD_KEYS or MAESTRO_PAYLOAD_KEYS_DIR`,
    });
  }
  return active;
}
