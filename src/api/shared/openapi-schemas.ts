/**
 * JSON Schemas (OpenAPI 3.1 / JSON Schema 2020-12) of protobuf messages in their grpc-gateway JSON
 * form: lowerCamelCase properties, int64 as strings (numbers accepted on input), Timestamps and
 * Durations as strings, unset non-optional messages as `null`.
 */
import { ScalarType, type DescField, type DescMessage, type JsonObject } from '@bufbuild/protobuf';
import { isWellKnown } from './field-expectations';

const SCALARS: Readonly<Record<ScalarType, JsonObject>> = {
  [ScalarType.STRING]: { type: 'string' },
  [ScalarType.BOOL]: { type: 'boolean' },
  [ScalarType.BYTES]: { type: 'string', contentEncoding: 'base64' },
  [ScalarType.DOUBLE]: { type: 'number', format: 'double' },
  [ScalarType.FLOAT]: { type: 'number', format: 'float' },
  [ScalarType.INT32]: { type: 'integer', format: 'int32' },
  [ScalarType.SINT32]: { type: 'integer', format: 'int32' },
  [ScalarType.SFIXED32]: { type: 'integer', format: 'int32' },
  [ScalarType.UINT32]: { type: 'integer', format: 'uint32', minimum: 0 },
  [ScalarType.FIXED32]: { type: 'integer', format: 'uint32', minimum: 0 },
  [ScalarType.INT64]: { type: ['string', 'integer'], format: 'int64' },
  [ScalarType.SINT64]: { type: ['string', 'integer'], format: 'int64' },
  [ScalarType.SFIXED64]: { type: ['string', 'integer'], format: 'int64' },
  [ScalarType.UINT64]: { type: ['string', 'integer'], format: 'uint64' },
  [ScalarType.FIXED64]: { type: ['string', 'integer'], format: 'uint64' },
};

const WELL_KNOWN: Readonly<Record<string, JsonObject>> = {
  'google.protobuf.Timestamp': { type: 'string', format: 'date-time' },
  'google.protobuf.Duration': { type: 'string', pattern: '^-?[0-9]+(\\.[0-9]{1,9})?s$' },
  'google.protobuf.Struct': { type: 'object', additionalProperties: true },
  'google.protobuf.ListValue': { type: 'array', items: {} },
  'google.protobuf.Value': {},
};

export const schemaRef = (name: string): JsonObject => ({ $ref: `#/components/schemas/${name}` });

/** Collects component schemas while paths refer to them. */
export class SchemaRegistry {
  readonly schemas: Record<string, JsonObject> = {};

  /**
   * @param outputOnly messages that only ever appear in responses: every non-optional field is
   *   then `required`, since responses always carry it (zero value or `null`).
   */
  constructor(private readonly outputOnly: ReadonlySet<DescMessage> = new Set()) {}

  /** A `$ref` to the message's component (a well-known type is inlined). */
  ref(message: DescMessage): JsonObject {
    const wellKnown = WELL_KNOWN[message.typeName];
    if (wellKnown) return wellKnown;
    if (!(message.typeName in this.schemas)) {
      this.schemas[message.typeName] = {}; // placeholder first: messages may be recursive
      this.schemas[message.typeName] = this.objectSchema(message, []);
    }
    return schemaRef(message.typeName);
  }

  /** The message's object schema without `omit` (path variables, for a request body). */
  objectSchema(message: DescMessage, omit: readonly DescField[]): JsonObject {
    const fields = message.fields.filter((field) => !omit.includes(field));
    const properties: JsonObject = {};
    for (const field of fields) properties[field.jsonName] = this.fieldSchema(field);
    const isOutputOnly = this.outputOnly.has(message);
    const required = isOutputOnly
      ? fields.filter((field) => !field.proto.proto3Optional).map((field) => field.jsonName)
      : [];
    return {
      type: 'object',
      properties,
      ...(required.length > 0 && { required }),
      description: isOutputOnly
        ? message.typeName
        : `${message.typeName}; snake_case names are accepted too, unknown properties are ignored.`,
    };
  }

  private valueSchema(field: DescField): JsonObject {
    if (field.message) return this.ref(field.message);
    if (field.enum) return { type: 'string', enum: field.enum.values.map((value) => value.name) };
    return SCALARS[field.scalar];
  }

  /** The schema of one property (a field) of a message. */
  fieldSchema(field: DescField): JsonObject {
    switch (field.fieldKind) {
      case 'list':
        return { type: 'array', items: this.valueSchema(field) };
      case 'map':
        return { type: 'object', additionalProperties: this.valueSchema(field) };
      case 'message':
        return field.proto.proto3Optional
          ? this.valueSchema(field)
          : { anyOf: [this.valueSchema(field), { type: 'null' }] };
      case 'scalar':
      case 'enum':
        return this.valueSchema(field);
    }
  }
}

/** Every message reachable from `roots` through fields (well-known types excluded). */
export function reachableMessages(roots: readonly DescMessage[]): Set<DescMessage> {
  const seen = new Set<DescMessage>();
  const visit = (message: DescMessage) => {
    if (seen.has(message) || isWellKnown(message)) return;
    seen.add(message);
    for (const field of message.fields) if (field.message) visit(field.message);
  };
  roots.forEach(visit);
  return seen;
}
