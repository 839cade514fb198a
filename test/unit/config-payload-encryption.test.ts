import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config/load';

const k1 = randomBytes(32);
const k2 = randomBytes(32);
const b64 = (key: Buffer) => key.toString('base64');

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('the configuration was accepted');
}

describe('payload encryption settings', () => {
  let directory: string;
  beforeEach(() => (directory = mkdtempSync(path.join(os.tmpdir(), 'maestro-keys-'))));
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('leaves payloads plain when no key is configured', () => {
    expect(loadConfig({}).temporal.payloadEncryption).toBeUndefined();
  });

  it('makes the only key active when MAESTRO_PAYLOAD_ACTIVE_KEY is unset', () => {
    const config = loadConfig({ MAESTRO_PAYLOAD_KEYS: `k1:${b64(k1)}` });
    expect(config.temporal.payloadEncryption).toEqual({
      keys: [{ id: 'k1', key: new Uint8Array(k1) }],
      activeKeyId: 'k1',
      codecCorsOrigins: [],
    });
  });

  it('reads keys from the variable and from a directory of key files (a Kubernetes secret)', () => {
    writeFileSync(path.join(directory, 'k2'), `${b64(k2)}\n`);
    mkdirSync(path.join(directory, '..2026_12_05'));
    symlinkSync('..2026_12_05', path.join(directory, '..data'));
    const config = loadConfig({
      MAESTRO_PAYLOAD_KEYS: `k1:${b64(k1)}`,
      MAESTRO_PAYLOAD_KEYS_DIR: directory,
      MAESTRO_PAYLOAD_ACTIVE_KEY: 'k2',
      MAESTRO_CODEC_CORS_ORIGINS: 'http://127.0.0.1:8233,https://temporal.example.com',
    });
    expect(config.temporal.payloadEncryption?.keys.map((key) => key.id)).toEqual(['k1', 'k2']);
    expect(config.temporal.payloadEncryption?.keys[1]?.key).toEqual(new Uint8Array(k2));
    expect(config.temporal.payloadEncryption?.activeKeyId).toBe('k2');
    expect(config.temporal.payloadEncryption?.codecCorsOrigins).toEqual([
      'http://127.0.0.1:8233',
      'https://temporal.example.com',
    ]);
  });

  it.each([
    [
      { MAESTRO_PAYLOAD_KEYS: `k1:${randomBytes(16).toString('base64')}` },
      'MAESTRO_PAYLOAD_KEYS: key "k1" must be 32 bytes in base64',
    ],
    [
      { MAESTRO_PAYLOAD_KEYS: `k1:not base64!` },
      'MAESTRO_PAYLOAD_KEYS: key "k1" must be 32 bytes in base64',
    ],
    [{ MAESTRO_PAYLOAD_KEYS: b64(k1) }, 'MAESTRO_PAYLOAD_KEYS: entry 1 must be id:base64key'],
    [
      { MAESTRO_PAYLOAD_KEYS: `k1:${b64(k1)},k1:${b64(k2)}` },
      'MAESTRO_PAYLOAD_KEYS: key id "k1" is given twice',
    ],
    [
      { MAESTRO_PAYLOAD_KEYS: `k1:${b64(k1)},k2:${b64(k2)}` },
      'MAESTRO_PAYLOAD_ACTIVE_KEY: must name the key that encrypts',
    ],
    [
      { MAESTRO_PAYLOAD_KEYS: `k1:${b64(k1)}`, MAESTRO_PAYLOAD_ACTIVE_KEY: 'k9' },
      'MAESTRO_PAYLOAD_ACTIVE_KEY: "k9" is none of the keys',
    ],
    [{ MAESTRO_PAYLOAD_ACTIVE_KEY: 'k1' }, 'MAESTRO_PAYLOAD_ACTIVE_KEY: "k1" is none of the keys'],
    [
      { MAESTRO_PAYLOAD_KEYS_DIR: '/nonexistent/keys' },
      'MAESTRO_PAYLOAD_KEYS_DIR: cannot read directory /nonexistent/keys (ENOENT)',
    ],
    [
      { MAESTRO_CODEC_CORS_ORIGINS: 'http://ui.example.com/path' },
      'MAESTRO_CODEC_CORS_ORIGINS: must be comma-separated origins',
    ],
  ])('refuses %j at start, naming the variable', (env, message) => {
    expect(problemsOf(env)).toContain(message);
  });

  it('never puts a key in its error message', () => {
    expect(problemsOf({ MAESTRO_PAYLOAD_KEYS: `k1:${b64(k1).slice(4)}` })).not.toContain(
      b64(k1).slice(4),
    );
  });

  it('refuses a key file of the wrong length, naming the file', () => {
    writeFileSync(path.join(directory, 'short'), randomBytes(31).toString('base64'));
    expect(problemsOf({ MAESTRO_PAYLOAD_KEYS_DIR: directory })).toContain(
      `MAESTRO_PAYLOAD_KEYS_DIR: file ${path.join(directory, 'short')} must be 32 bytes in base64`,
    );
  });
});
