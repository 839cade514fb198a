/**
 * Request JSON → protobuf message with grpc-gateway's rules (lowerCamelCase or snake_case names,
 * int64 as number or string, unknown fields ignored), and, when the JSON does not fit the message,
 * an INVALID_ARGUMENT naming the offending field by its JSON path.
 */
import {
  fromJson,
  type DescField,
  type DescMessage,
  type JsonObject,
  type JsonValue,
  type MessageShape,
} from '@bufbuild/protobuf';
import type { ValidationProblem } from '../../domain/scheduler/validation';
import { fieldExpectation, isWellKnown, valueExpectation } from './field-expectations';
import { joinPath, MalformedRequestError } from './malformed-request-error';

const OPTIONS = { ignoreUnknownFields: true } as const;

export const isJsonObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The message's field spelled `key` in JSON (its proto name or its lowerCamelCase name). */
export const fieldByJsonKey = (desc: DescMessage, key: string): DescField | undefined =>
  desc.fields.find((field) => field.name === key || field.jsonName === key);

/**
 * Decodes `json` (already parsed) into `schema`'s message. Throws `MalformedRequestError` naming
 * the first field that does not fit, or `root` when the payload is not a JSON object.
 */
export function decodeJsonMessage<Desc extends DescMessage>(
  schema: Desc,
  json: unknown,
  root = 'body',
): MessageShape<Desc> {
  if (!isJsonObject(json)) {
    throw new MalformedRequestError([{ field: root, message: 'must be a JSON object' }]);
  }
  try {
    return fromJson(schema, json, OPTIONS);
  } catch (error) {
    const problem = locateProblem(schema, json, '') ?? {
      field: root,
      message: `cannot be decoded: ${error instanceof Error ? error.message : String(error)}`,
    };
    throw new MalformedRequestError([problem], { cause: error });
  }
}

const decodes = (desc: DescMessage, json: JsonObject): boolean => {
  try {
    fromJson(desc, json, OPTIONS);
    return true;
  } catch {
    return false;
  }
};

/**
 * The first field of `json` that `desc` cannot decode, found by decoding one field at a time and
 * descending into nested messages, list items and map values, so the path is exact.
 */
function locateProblem(
  desc: DescMessage,
  json: JsonObject,
  path: string,
): ValidationProblem | undefined {
  const spellings = new Map<DescField, string>();
  for (const [key, value] of Object.entries(json)) {
    const field = fieldByJsonKey(desc, key);
    if (!field) continue;
    const at = joinPath(path, field.jsonName);
    const earlier = spellings.get(field);
    if (earlier !== undefined) return { field: at, message: `is set twice (${earlier}, ${key})` };
    spellings.set(field, key);
    if (decodes(desc, { [key]: value })) continue;
    return locateInField(desc, field, key, value, at);
  }
  return undefined;
}

function locateInField(
  desc: DescMessage,
  field: DescField,
  key: string,
  value: JsonValue,
  at: string,
): ValidationProblem {
  if (field.fieldKind === 'list' && Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      if (!decodes(desc, { [key]: [item] })) return locateInValue(field, item, joinPath(at, index));
    }
  }
  if (field.fieldKind === 'map' && isJsonObject(value)) {
    for (const [entryKey, item] of Object.entries(value)) {
      if (!decodes(desc, { [key]: { [entryKey]: item } }))
        return locateInValue(field, item, joinPath(at, entryKey));
    }
  }
  if (field.fieldKind === 'message') return locateInValue(field, value, at);
  return { field: at, message: fieldExpectation(field) };
}

/** One value of the field (the field's own value, a list item or a map value) is wrong. */
function locateInValue(field: DescField, value: JsonValue, at: string): ValidationProblem {
  if (value === null && field.fieldKind !== 'message') {
    return { field: at, message: 'must not be null' };
  }
  if (field.message && isWellKnown(field.message)) {
    return { field: at, message: `${valueExpectation(field)}${reasonOf(field.message, value)}` };
  }
  if (field.message && isJsonObject(value)) {
    const inner = locateProblem(field.message, value, at);
    if (inner) return inner;
  }
  return { field: at, message: valueExpectation(field) };
}

/** Why a well-known type refused a structured value (e.g. a `Struct` nested too deep). */
function reasonOf(message: DescMessage, value: JsonValue): string {
  if (typeof value !== 'object' || value === null) return '';
  try {
    fromJson(message, value, OPTIONS);
    return '';
  } catch (error) {
    return ` (${error instanceof Error ? error.message : String(error)})`;
  }
}
