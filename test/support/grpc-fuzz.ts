/**
 * Every string field of a gRPC request, found in an ordinary request (JSON) and its message
 * descriptor, and the request's protobuf bytes with a nasty value in one of them: raw bytes for
 * invalid UTF-8, which no protobuf library would encode.
 */
import {
  fromJson,
  ScalarType,
  toBinary,
  type DescMessage,
  type JsonObject,
  type JsonValue,
} from '@bufbuild/protobuf';
import { isRefusedKind, refusalMessage, type NastyText } from './nasty-input';

type Key = string | number;

export interface StringField {
  /** JSON path keys from the request's root. */
  keys: readonly Key[];
  /** `spec.containers[0].image`, as error messages write it. */
  path: string;
  /** The request's own field (`name`), not one nested in a message, list or map. */
  isTopLevel: boolean;
}

const formatPath = (keys: readonly Key[]) =>
  keys
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : index === 0 ? key : `.${key}`))
    .join('');

function withValue(json: JsonObject, keys: readonly Key[], value: string): JsonObject {
  const copy = structuredClone(json);
  let node: Record<Key, unknown> = copy;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<Key, unknown>;
  node[keys.at(-1)!] = value;
  return copy;
}

const decodes = (schema: DescMessage, json: JsonObject) => {
  try {
    fromJson(schema, json);
    return true;
  } catch {
    return false;
  }
};

/**
 * Every string in `base` that is a protobuf string (not an int64, enum, duration…), plus each
 * top-level string field `base` leaves out.
 */
export function stringFieldsOf(schema: DescMessage, base: JsonObject): StringField[] {
  const found: Key[][] = [];
  const walk = (value: JsonValue, keys: Key[]) => {
    if (typeof value === 'string') found.push(keys);
    else if (Array.isArray(value)) value.forEach((item, index) => walk(item, [...keys, index]));
    else if (value !== null && typeof value === 'object')
      for (const [key, item] of Object.entries(value)) walk(item, [...keys, key]);
  };
  walk(base, []);
  for (const field of schema.fields) {
    const isString = field.fieldKind === 'scalar' && field.scalar === ScalarType.STRING;
    if (isString && !(field.jsonName in base)) found.push([field.jsonName]);
  }
  return found
    .filter((keys) => decodes(schema, withValue(base, keys, 'x\u0001y')))
    .map((keys) => ({ keys, path: formatPath(keys), isTopLevel: keys.length === 1 }));
}

/** The request's bytes with `nasty` in `field` (its raw bytes when they are not UTF-8). */
export function nastyRequestBytes(
  schema: DescMessage,
  base: JsonObject,
  field: StringField,
  nasty: NastyText,
): Buffer {
  if (nasty.kind !== 'invalid-utf8') {
    const text = new TextDecoder().decode(nasty.bytes);
    return Buffer.from(toBinary(schema, fromJson(schema, withValue(base, field.keys, text))));
  }
  // A placeholder of the same length (no base request holds BEL), swapped for the raw bytes; it
  // is found with its length prefix, a single byte below 128, since that may be BEL too.
  const placeholder = Buffer.alloc(nasty.bytes.length, 0x07);
  const json = withValue(base, field.keys, placeholder.toString('latin1'));
  const bytes = Buffer.from(toBinary(schema, fromJson(schema, json)));
  const at = bytes.indexOf(Buffer.from([placeholder.length, ...placeholder]));
  if (placeholder.length > 127 || at === -1) throw new Error(`no placeholder in ${field.path}`);
  bytes.set(nasty.bytes, at + 1);
  return bytes;
}

/** The details an INVALID_ARGUMENT must carry for the value, when the rules refuse it outright. */
export function expectedRefusalDetails(field: StringField, nasty: NastyText): unknown {
  if (!isRefusedKind(nasty.kind)) return undefined;
  if (field.isTopLevel) return refusalMessage(nasty.kind, field.path, false);
  if (nasty.kind !== 'invalid-utf8') return undefined;
  // Nested: named by the path down to the message, list or map holding the bytes.
  return expect.stringMatching(new RegExp(`^Validation Error:\\n${String(field.keys[0])}\\b`));
}
