/**
 * The text of a request — every top-level string field of its message: the path and query
 * parameters of an HTTP route, the top-level strings of a body, the same fields over native gRPC —
 * is checked before any use case sees it. Text that no scheduler, room or operation can have is
 * the client's mistake, answered 400 / INVALID_ARGUMENT naming the field, instead of reaching a
 * store that cannot even take it (PostgreSQL refuses U+0000 in text; Temporal refuses ids over
 * 1000 bytes). Text that is merely unknown (`Tennis`, `a\u0001b`) still reaches the use case and
 * is answered as Maestro does (404, an empty list). Nested fields are the domain's (a scheduler
 * definition's rules refuse NUL anywhere in it).
 */
import { ScalarType, type DescField, type DescMethod, type Message } from '@bufbuild/protobuf';
import type { ValidationProblem } from '../../domain/scheduler/validation';
import { MalformedRequestError } from './malformed-request-error';

/** The longest request text accepted, in characters: also the HTTP router's path-segment limit. */
export const MAX_TEXT_LENGTH = 4096;

/** What each rule says when broken (the second half of a `field: problem` line). */
export const TEXT_RULES = {
  nul: 'must not contain NUL characters',
  length: `must be at most ${MAX_TEXT_LENGTH} characters`,
  utf8: 'must be valid UTF-8',
} as const;

const isText = (field: DescField): boolean =>
  (field.fieldKind === 'scalar' || field.fieldKind === 'list') &&
  field.scalar === ScalarType.STRING;

/** The top-level string fields (and lists of strings) of the method's request. */
export const textFieldsOf = (method: DescMethod): readonly DescField[] =>
  method.input.fields.filter(isText);

/** The rule one value of `field` (its JSON name) breaks, if any. */
export function textProblem(field: string, value: string): ValidationProblem | undefined {
  if (value.includes('\u0000')) return { field, message: TEXT_RULES.nul };
  if (value.length > MAX_TEXT_LENGTH) return { field, message: TEXT_RULES.length };
  return undefined;
}

/** Throws `MalformedRequestError` naming every text field of `request` that breaks a rule. */
export function checkRequestText(fields: readonly DescField[], request: Message): void {
  const values = request as unknown as Record<string, unknown>;
  const problems = fields.flatMap((field) => {
    const value = values[field.localName];
    const items: unknown[] = Array.isArray(value) ? value : [value];
    const problem = items
      .filter((item): item is string => typeof item === 'string')
      .map((item) => textProblem(field.jsonName, item))
      .find((found) => found !== undefined);
    return problem ? [problem] : [];
  });
  if (problems.length > 0) throw new MalformedRequestError(problems);
}
