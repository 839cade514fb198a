import { DomainError, ErrorCode } from '../../domain/errors';
import type { ValidationProblem } from '../../domain/scheduler/validation';

/**
 * A request that could not even be decoded into its message: invalid JSON, a value of the wrong
 * type, a number out of range, undecodable protobuf bytes. Worded like the domain's validation
 * errors (`Validation Error:` then one `field: problem` line each), so clients read one format.
 * `field` is the lowerCamelCase JSON path (`spec.containers[0].ports[1].port`), or `body` /
 * `request` when the payload as a whole is unreadable.
 */
export class MalformedRequestError extends DomainError {
  constructor(
    readonly problems: readonly ValidationProblem[],
    options?: { cause?: unknown },
  ) {
    const lines = problems.map((problem) => `${problem.field}: ${problem.message}`);
    super(ErrorCode.INVALID_ARGUMENT, ['Validation Error:', ...lines].join('\n'), options);
  }
}

/** Appends a field name or a list index to a JSON path. */
export function joinPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}
