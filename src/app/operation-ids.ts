import { createHash } from 'node:crypto';

/**
 * An operation id derived from what makes a request unique (a UUID in form, as Maestro's ids
 * are): the same request queues the same id, and the scheduler workflow ignores an id it already
 * knows, so repeating a request whose first answer was lost cannot queue the operation twice.
 */
export function derivedOperationId(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    `5${hex.slice(13, 16)}`,
    `${variant}${hex.slice(17, 20)}`,
    hex.slice(20, 32),
  ].join('-');
}
