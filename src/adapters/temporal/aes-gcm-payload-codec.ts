import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { PayloadKey } from '../../config/load';
import { DomainError, ErrorCode } from '../../domain/errors';

/** `encoding` of a payload this codec sealed (the name Temporal's samples use). */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** Metadata naming the key that sealed a payload. */
export const KEY_ID_METADATA = 'encryption-key-id';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const { Payload: PayloadMessage } = temporal.api.common.v1;

/**
 * A sealed payload this process cannot open: its key is not configured, or authentication failed
 * (tampered, truncated, or sealed by another key under the same id). Never returns garbage.
 */
export class PayloadDecryptionError extends DomainError {
  constructor(
    readonly keyId: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      ErrorCode.FAILED_PRECONDITION,
      `cannot decrypt payload with key "${keyId}": ${reason}`,
      options,
    );
  }
}

/**
 * Temporal payload codec sealing each whole payload (metadata and data, as its protobuf encoding)
 * with AES-256-GCM under a fresh 96-bit IV. The active key encrypts; every key decrypts, picked
 * by the id in the payload's metadata. Payloads not sealed by it (written before encryption was
 * turned on, recorded histories) pass through unchanged.
 */
export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly keys: ReadonlyMap<string, Uint8Array>;
  private readonly activeKey: Uint8Array;

  constructor(
    keys: readonly PayloadKey[],
    private readonly activeKeyId: string,
  ) {
    this.keys = new Map(keys.map(({ id, key }) => [id, key]));
    const active = this.keys.get(activeKeyId);
    if (!active) throw new Error(`payload key "${activeKeyId}" is not among the keys`);
    this.activeKey = active;
  }

  // A failure rejects the promise (the executor turns a throw into a rejection).
  encode(payloads: Payload[]): Promise<Payload[]> {
    return new Promise((resolve) => resolve(payloads.map((payload) => this.seal(payload))));
  }

  decode(payloads: Payload[]): Promise<Payload[]> {
    return new Promise((resolve) => resolve(payloads.map((payload) => this.open(payload))));
  }

  private seal(payload: Payload): Payload {
    const plain = PayloadMessage.encode(payload).finish();
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.activeKey, iv);
    const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return {
      metadata: {
        encoding: new TextEncoder().encode(ENCRYPTED_ENCODING),
        [KEY_ID_METADATA]: new TextEncoder().encode(this.activeKeyId),
      },
      data: new Uint8Array(sealed),
    };
  }

  private open(payload: Payload): Payload {
    if (!isSealed(payload)) return payload;
    const keyId = textOf(payload.metadata?.[KEY_ID_METADATA]);
    if (keyId === undefined) {
      throw new PayloadDecryptionError('(none)', `its "${KEY_ID_METADATA}" metadata is missing`);
    }
    const key = this.keys.get(keyId);
    if (!key) throw new PayloadDecryptionError(keyId, 'no such key is configured');
    const data = payload.data ?? new Uint8Array();
    if (data.length < IV_BYTES + TAG_BYTES) {
      throw new PayloadDecryptionError(keyId, 'the ciphertext is truncated');
    }
    let plain: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      plain = Buffer.concat([
        decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)),
        decipher.final(),
      ]);
    } catch (error) {
      throw new PayloadDecryptionError(
        keyId,
        'authentication failed (the payload was altered, or sealed by another key of that id)',
        { cause: error },
      );
    }
    return toPayload(PayloadMessage.decode(plain));
  }
}

/** True when `payload` was sealed by an {@link AesGcmPayloadCodec}. */
export function isSealed(payload: Payload): boolean {
  return textOf(payload.metadata?.encoding) === ENCRYPTED_ENCODING;
}

function textOf(bytes: Uint8Array | null | undefined): string | undefined {
  return bytes ? new TextDecoder().decode(bytes) : undefined;
}

/** The SDK's plain shape of a decoded protobuf payload. */
function toPayload(message: temporal.api.common.v1.Payload): Payload {
  return {
    metadata: { ...(message.metadata ?? {}) },
    data: message.data ?? new Uint8Array(),
  };
}
