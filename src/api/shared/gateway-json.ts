import {
  toJson,
  type DescMessage,
  type JsonObject,
  type JsonValue,
  type Message,
} from '@bufbuild/protobuf';
import { isReflectMessage, reflect, type ReflectMessage } from '@bufbuild/protobuf/reflect';
import { isWellKnown } from './field-expectations';

/**
 * A response message as grpc-gateway (v2, default marshaler) writes it: protobuf's JSON mapping
 * with every implicit field emitted (zero scalars, `[]`, `{}`), int64 as strings, unset proto3
 * `optional` fields omitted — and unset non-optional message fields written as `null`, which
 * protobuf-es leaves out (`portRange: null`, `autoscaling: null`).
 */
export function toGatewayJson(schema: DescMessage, message: Message): JsonValue {
  const json = toJson(schema, message, { alwaysEmitImplicit: true });
  if (isObject(json)) addNulls(reflect(schema, message), json);
  return json;
}

const isObject = (value: JsonValue | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function addNulls(message: ReflectMessage, json: JsonObject): void {
  for (const field of message.fields) {
    const value = json[field.jsonName];
    switch (field.fieldKind) {
      case 'message': {
        if (!message.isSet(field)) {
          if (!field.proto.proto3Optional && !field.oneof) json[field.jsonName] = null;
        } else if (!isWellKnown(field.message) && isObject(value)) {
          addNulls(message.get(field), value);
        }
        break;
      }
      case 'list': {
        if (field.listKind !== 'message' || isWellKnown(field.message)) break;
        const items = message.get(field);
        if (!Array.isArray(value)) break;
        value.forEach((item, index) => {
          const reflected = items.get(index);
          if (isObject(item) && isReflectMessage(reflected)) addNulls(reflected, item);
        });
        break;
      }
      case 'map': {
        if (field.mapKind !== 'message' || isWellKnown(field.message) || !isObject(value)) break;
        for (const [key, reflected] of message.get(field)) {
          const item = value[String(key)];
          if (isObject(item) && isReflectMessage(reflected)) addNulls(reflected, item);
        }
        break;
      }
      case 'scalar':
      case 'enum':
        break;
    }
  }
}
