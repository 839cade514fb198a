/**
 * Who a credential names: the rules every subject follows, whichever credential carries it (an API
 * key's holder, an OpenID Connect token's `sub`). Subjects go into audit lines, operations and the
 * `MaestroActor` search attribute, so they are bounded and printable. Pure.
 */
import { hasControlCharacters } from './grants';
import { isReservedSubject, RESERVED_SUBJECT_PREFIX } from './principal';

/** Longest subject accepted. */
export const MAX_SUBJECT_LENGTH = 200;

/** The reason `subject` cannot name a caller, or undefined when it can. */
export function subjectProblem(subject: string): string | undefined {
  if (subject.trim() === '') return 'must not be empty';
  if (subject.length > MAX_SUBJECT_LENGTH) {
    return `must be at most ${MAX_SUBJECT_LENGTH} characters`;
  }
  if (hasControlCharacters(subject)) return 'must not contain control characters';
  if (isReservedSubject(subject)) {
    return `must not start with ${RESERVED_SUBJECT_PREFIX} (maestro's own)`;
  }
  return undefined;
}
