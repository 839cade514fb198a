import type { DataConverter } from '@temporalio/common';
import type { PayloadEncryptionConfig } from '../../config/load';
import { AesGcmPayloadCodec } from './aes-gcm-payload-codec';

/**
 * The payload codec of the configuration: AES-256-GCM when keys are configured, else none. One
 * call per process is enough; the codec holds no state but its keys.
 */
export function payloadCodecOf(
  encryption: PayloadEncryptionConfig | undefined,
): AesGcmPayloadCodec | undefined {
  return encryption && new AesGcmPayloadCodec(encryption.keys, encryption.activeKeyId);
}

/** Moves failures' messages and stack traces into a payload, for the codec to seal. */
export const SEALED_FAILURE_CONVERTER = require.resolve('./sealed-failure-converter');

/**
 * The data converter every Temporal client and worker of maestro uses: the SDK's default
 * payload converter, then the codec (payloads reach the server sealed), and failures whose
 * messages and stack traces are sealed too. Workers and clients must agree on it, so each builds
 * it from the same config with this function. The codec runs outside the workflow sandbox:
 * workflow code stays deterministic.
 */
export function dataConverterOf(
  encryption: PayloadEncryptionConfig | undefined,
): DataConverter | undefined {
  const codec = payloadCodecOf(encryption);
  return codec && { payloadCodecs: [codec], failureConverterPath: SEALED_FAILURE_CONVERTER };
}
