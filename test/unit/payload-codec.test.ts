import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import {
  AesGcmPayloadCodec,
  ENCRYPTED_ENCODING,
  KEY_ID_METADATA,
  PayloadDecryptionError,
} from '../../src/adapters/temporal/aes-gcm-payload-codec';

const key = (id: string) => ({ id, key: new Uint8Array(randomBytes(32)) });
const text = (bytes: Uint8Array | null | undefined) => new TextDecoder().decode(bytes ?? undefined);
const SECRET = { containers: [{ environment: [{ name: 'DB_PASSWORD', value: 's3cr3t-value' }] }] };

describe('AesGcmPayloadCodec', () => {
  const k1 = key('k1');
  const k2 = key('k2');
  const plain = defaultPayloadConverter.toPayload(SECRET);

  it('seals the whole payload under the active key and opens it back unchanged', async () => {
    const codec = new AesGcmPayloadCodec([k1], 'k1');
    const [sealed] = await codec.encode([plain]);

    expect(text(sealed?.metadata?.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(sealed?.metadata?.[KEY_ID_METADATA])).toBe('k1');
    expect(Object.keys(sealed?.metadata ?? {})).toEqual(['encoding', KEY_ID_METADATA]);
    expect(Buffer.from(sealed?.data ?? []).toString('latin1')).not.toContain('s3cr3t-value');
    expect(Buffer.from(sealed?.data ?? []).toString('latin1')).not.toContain('json/plain');
    const [opened] = await codec.decode([sealed as Payload]);
    expect(defaultPayloadConverter.fromPayload(opened as Payload)).toEqual(SECRET);
    expect(text(opened?.metadata?.encoding)).toBe('json/plain');
  });

  it('uses a fresh IV for every payload when the same value is sealed twice', async () => {
    const codec = new AesGcmPayloadCodec([k1], 'k1');
    const [a, b] = await codec.encode([plain, plain]);
    expect(Buffer.from(a?.data ?? []).equals(Buffer.from(b?.data ?? []))).toBe(false);
    expect(Buffer.from(a?.data ?? []).subarray(0, 12)).not.toEqual(
      Buffer.from(b?.data ?? []).subarray(0, 12),
    );
  });

  it('passes payloads it did not seal through unchanged when decoding', async () => {
    const codec = new AesGcmPayloadCodec([k1], 'k1');
    const nullPayload = defaultPayloadConverter.toPayload(undefined);
    const decoded = await codec.decode([plain, nullPayload]);
    expect(decoded[0]).toBe(plain);
    expect(decoded[1]).toBe(nullPayload);
  });

  it('opens payloads of an older key after a new key became active', async () => {
    const [old] = await new AesGcmPayloadCodec([k1], 'k1').encode([plain]);
    const rotated = new AesGcmPayloadCodec([k2, k1], 'k2');

    const [fresh] = await rotated.encode([plain]);
    expect(text(fresh?.metadata?.[KEY_ID_METADATA])).toBe('k2');
    const opened = await rotated.decode([old as Payload, fresh as Payload]);
    expect(opened.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([SECRET, SECRET]);
  });

  it('refuses a payload whose key is not configured, naming the key id', async () => {
    const [sealed] = await new AesGcmPayloadCodec([k2], 'k2').encode([plain]);
    const decode = new AesGcmPayloadCodec([k1], 'k1').decode([sealed as Payload]);
    await expect(decode).rejects.toThrow(PayloadDecryptionError);
    await expect(decode).rejects.toThrow('cannot decrypt payload with key "k2": no such key');
  });

  it.each([
    ['a flipped ciphertext byte', (data: Buffer) => data.with(20, (data[20] ?? 0) ^ 1)],
    ['a flipped tag byte', (data: Buffer) => data.with(data.length - 1, (data.at(-1) ?? 0) ^ 1)],
    ['a flipped IV byte', (data: Buffer) => data.with(0, (data[0] ?? 0) ^ 1)],
  ])('fails authentication instead of returning garbage when given %s', async (_, tamper) => {
    const codec = new AesGcmPayloadCodec([k1], 'k1');
    const [sealed] = await codec.encode([plain]);
    const tampered = { ...sealed, data: new Uint8Array(tamper(Buffer.from(sealed?.data ?? []))) };
    await expect(codec.decode([tampered])).rejects.toThrow(
      'cannot decrypt payload with key "k1": authentication failed',
    );
  });

  it('fails authentication when another key is configured under the same id', async () => {
    const [sealed] = await new AesGcmPayloadCodec([k1], 'k1').encode([plain]);
    const impostor = new AesGcmPayloadCodec([{ id: 'k1', key: k2.key }], 'k1');
    await expect(impostor.decode([sealed as Payload])).rejects.toThrow('authentication failed');
  });

  it('refuses a truncated payload and one without its key id', async () => {
    const codec = new AesGcmPayloadCodec([k1], 'k1');
    const [sealed] = await codec.encode([plain]);
    const truncated = { ...sealed, data: sealed?.data?.subarray(0, 20) ?? null };
    await expect(codec.decode([truncated])).rejects.toThrow('the ciphertext is truncated');
    const anonymous = { ...sealed, metadata: { encoding: sealed?.metadata?.encoding ?? null } };
    await expect(codec.decode([anonymous as Payload])).rejects.toThrow(
      `"${KEY_ID_METADATA}" metadata is missing`,
    );
  });
});
