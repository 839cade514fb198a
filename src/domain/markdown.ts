/**
 * Small pieces of the markdown Temporal renders in workflow summaries and details. Pure.
 */

/** Inline code; backticks inside would end it early and line breaks split it, so both go. */
export function code(text: string): string {
  return `\`${oneLine(text).replace(/`/g, '')}\``;
}

/** The text on one line (a summary is single-line markdown). */
export function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}

/** ` (a, b)` of the parts present, or nothing. */
export function inParentheses(...parts: Array<string | undefined>): string {
  const present = parts.filter((part): part is string => part !== undefined && part !== '');
  return present.length > 0 ? ` (${present.join(', ')})` : '';
}

/** `label value`, or nothing without a value. */
export const prefixed = (label: string, value: string | undefined): string | undefined =>
  value && `${label} ${value}`;
