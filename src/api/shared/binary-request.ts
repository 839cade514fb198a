/**
 * Request bytes (native gRPC) → protobuf message. Undecodable bytes are the client's mistake, so
 * they become INVALID_ARGUMENT naming the field whose bytes are wrong (grpc-js would otherwise
 * answer INTERNAL for a request it cannot deserialize).
 */
import {
  fromBinary,
  ScalarType,
  type DescField,
  type DescMessage,
  type MessageShape,
} from '@bufbuild/protobuf';
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import type { ValidationProblem } from '../../domain/scheduler/validation';
import { isWellKnown, valueExpectation } from './field-expectations';
import { joinPath, MalformedRequestError } from './malformed-request-error';

/** Decodes a request; throws `MalformedRequestError` naming the field, or `root` for the whole. */
export function decodeBinaryMessage<Desc extends DescMessage>(
  schema: Desc,
  bytes: Uint8Array,
  root = 'request',
): MessageShape<Desc> {
  try {
    return fromBinary(schema, bytes, { readUnknownFields: false });
  } catch (error) {
    const problem = locateProblem(schema, bytes, '', root) ?? {
      field: root,
      message: `cannot be decoded: ${error instanceof Error ? error.message : String(error)}`,
    };
    throw new MalformedRequestError([problem], { cause: error });
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

const FIXED64: readonly ScalarType[] = [ScalarType.FIXED64, ScalarType.SFIXED64, ScalarType.DOUBLE];
const FIXED32: readonly ScalarType[] = [ScalarType.FIXED32, ScalarType.SFIXED32, ScalarType.FLOAT];

/** The wire type a single value of the field is written with. */
function wireTypeOf(field: DescField): WireType {
  if (field.fieldKind === 'map' || field.message) return WireType.LengthDelimited;
  if (field.enum) return WireType.Varint;
  if (field.scalar === ScalarType.STRING || field.scalar === ScalarType.BYTES) {
    return WireType.LengthDelimited;
  }
  if (FIXED64.includes(field.scalar)) return WireType.Bit64;
  if (FIXED32.includes(field.scalar)) return WireType.Bit32;
  return WireType.Varint;
}

/** Walks the fields of one message's bytes and returns the first one that cannot be read. */
function locateProblem(
  desc: DescMessage,
  bytes: Uint8Array,
  path: string,
  root: string,
): ValidationProblem | undefined {
  const reader = new BinaryReader(bytes);
  const seen = new Map<number, number>();
  while (reader.pos < reader.len) {
    let fieldNo: number;
    let wireType: WireType;
    try {
      [fieldNo, wireType] = reader.tag();
    } catch {
      return { field: path || root, message: 'is not a valid protobuf message' };
    }
    const field = desc.fields.find((candidate) => candidate.number === fieldNo);
    const index = seen.get(fieldNo) ?? 0;
    seen.set(fieldNo, index + 1);
    const at = field ? joinPath(path, field.jsonName) : path || root;
    let payload: Uint8Array | undefined;
    try {
      if (wireType === WireType.LengthDelimited) payload = reader.bytes();
      else reader.skip(wireType, fieldNo);
    } catch {
      return { field: at, message: 'is truncated or malformed' };
    }
    if (!field) continue;
    const problem = checkValue(
      field,
      wireType,
      payload,
      field.fieldKind === 'list' ? joinPath(at, index) : at,
    );
    if (problem) return problem;
  }
  return undefined;
}

function checkValue(
  field: DescField,
  wireType: WireType,
  payload: Uint8Array | undefined,
  at: string,
): ValidationProblem | undefined {
  const expected = wireTypeOf(field);
  const isPacked = field.fieldKind === 'list' && expected !== WireType.LengthDelimited;
  if (wireType !== expected && !(isPacked && wireType === WireType.LengthDelimited)) {
    return { field: at, message: valueExpectation(field) };
  }
  if (!payload || isPacked) return undefined;
  if (field.fieldKind === 'map') return checkMapEntry(field, payload, at);
  if (field.message) return checkMessage(field.message, payload, at);
  if (field.scalar === ScalarType.STRING && !isUtf8(payload)) {
    return { field: at, message: 'must be valid UTF-8' };
  }
  return undefined;
}

/** A map entry is a message with the key as field 1 and the value as field 2. */
function checkMapEntry(
  field: DescField & { fieldKind: 'map' },
  payload: Uint8Array,
  at: string,
): ValidationProblem | undefined {
  const reader = new BinaryReader(payload);
  try {
    while (reader.pos < reader.len) {
      const [fieldNo, wireType] = reader.tag();
      const data = wireType === WireType.LengthDelimited ? reader.bytes() : reader.skip(wireType);
      if (fieldNo === 1 && wireType === WireType.LengthDelimited && !isUtf8(data)) {
        return { field: at, message: 'must have UTF-8 keys' };
      }
      if (fieldNo === 2 && wireType === WireType.LengthDelimited) {
        const problem = field.message
          ? checkMessage(field.message, data, at)
          : field.scalar === ScalarType.STRING && !isUtf8(data)
            ? { field: at, message: 'must be valid UTF-8' }
            : undefined;
        if (problem) return problem;
      }
    }
  } catch {
    return { field: at, message: 'is truncated or malformed' };
  }
  return undefined;
}

/**
 * Walks into the API's own messages (never recursive); a well-known type (`Struct` may nest
 * without bound) is only decoded whole, so the walk stays shallow.
 */
function checkMessage(
  message: DescMessage,
  payload: Uint8Array,
  at: string,
): ValidationProblem | undefined {
  if (!isWellKnown(message)) return locateProblem(message, payload, at, at);
  try {
    fromBinary(message, payload);
    return undefined;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { field: at, message: `is not a valid ${message.typeName} (${reason})` };
  }
}

function isUtf8(bytes: Uint8Array): boolean {
  try {
    utf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}
