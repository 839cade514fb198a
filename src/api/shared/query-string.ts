/**
 * The HTTP query-string parser: `a=1&a=2&b=x+y` → `{a: ['1', '2'], b: 'x y'}`, as fastify's own,
 * except that a value whose percent-encoding is not UTF-8 (`%FF`, `%C0%80`) is not passed on as
 * its raw text: it becomes an `UndecodableQueryValue`, which the request decoder refuses naming the
 * parameter (fastify's parser would turn `?name=%FF` into a search for the name `%FF`).
 */

/** A query value whose percent-encoding does not decode to UTF-8 text. */
export class UndecodableQueryValue {
  constructor(readonly raw: string) {}
}

export type QueryValue = string | UndecodableQueryValue;

const decode = (text: string): string | undefined => {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
};

/** fastify's `querystringParser`: repeated names collect their values in order. */
export function parseQueryString(query: string): Record<string, QueryValue | QueryValue[]> {
  const parsed = Object.create(null) as Record<string, QueryValue | QueryValue[]>;
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const separator = pair.indexOf('=');
    const key = decode(separator === -1 ? pair : pair.slice(0, separator));
    if (key === undefined) continue; // an undecodable name names no parameter
    const raw = separator === -1 ? '' : pair.slice(separator + 1);
    const value = decode(raw) ?? new UndecodableQueryValue(raw);
    const earlier = parsed[key];
    if (earlier === undefined) parsed[key] = value;
    else if (Array.isArray(earlier)) earlier.push(value);
    else parsed[key] = [earlier, value];
  }
  return parsed;
}
