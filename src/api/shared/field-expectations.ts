/**
 * What a protobuf field accepts, worded for the person who sent the wrong thing: the second half of
 * a `field: problem` line of a malformed request.
 */
import { ScalarType, type DescField, type DescMessage } from '@bufbuild/protobuf';

const INT32 = 'must be an integer from -2147483648 to 2147483647';
const UINT32 = 'must be an integer from 0 to 4294967295';
const INT64 = 'must be an integer from -9223372036854775808 to 9223372036854775807';
const UINT64 = 'must be an integer from 0 to 18446744073709551615';

const SCALARS: Readonly<Record<ScalarType, string>> = {
  [ScalarType.STRING]: 'must be a string',
  [ScalarType.BOOL]: 'must be true or false',
  [ScalarType.BYTES]: 'must be base64-encoded bytes',
  [ScalarType.DOUBLE]: 'must be a number',
  [ScalarType.FLOAT]: 'must be a number within the float32 range',
  [ScalarType.INT32]: INT32,
  [ScalarType.SINT32]: INT32,
  [ScalarType.SFIXED32]: INT32,
  [ScalarType.UINT32]: UINT32,
  [ScalarType.FIXED32]: UINT32,
  [ScalarType.INT64]: INT64,
  [ScalarType.SINT64]: INT64,
  [ScalarType.SFIXED64]: INT64,
  [ScalarType.UINT64]: UINT64,
  [ScalarType.FIXED64]: UINT64,
};

const WELL_KNOWN: Readonly<Record<string, string>> = {
  'google.protobuf.Duration': 'must be a duration in seconds with an "s" suffix, such as "30s"',
  'google.protobuf.Timestamp': 'must be an RFC 3339 timestamp, such as "2024-01-31T12:00:00Z"',
  'google.protobuf.Struct': 'must be a JSON object',
  'google.protobuf.ListValue': 'must be a list',
  'google.protobuf.Value': 'must be a JSON value',
};

/** Well-known types have their own JSON forms (a string, any object): they are not walked into. */
export const isWellKnown = (message: DescMessage): boolean =>
  message.typeName.startsWith('google.protobuf.');

export function messageExpectation(message: DescMessage): string {
  return WELL_KNOWN[message.typeName] ?? 'must be an object';
}

/** What one value of the field (the field itself, one list item or one map value) must be. */
export function valueExpectation(field: DescField): string {
  if (field.message) return messageExpectation(field.message);
  if (field.enum)
    return `must be one of ${field.enum.values.map((value) => value.name).join(', ')}`;
  return SCALARS[field.scalar];
}

/** What the field as a whole must be. */
export function fieldExpectation(field: DescField): string {
  if (field.fieldKind === 'list') return 'must be a list';
  if (field.fieldKind === 'map') return 'must be an object';
  return valueExpectation(field);
}
