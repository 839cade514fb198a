/**
 * Every HTTP route of a service with one of its path or query parameters set to a nasty value and
 * everything else ordinary: the request a fuzz run sends, and what it must be answered.
 */
import { ScalarType, type DescField, type DescService } from '@bufbuild/protobuf';
import { httpBindingOf, type HttpBinding } from '../../src/api/shared/http-bindings';
import { isRefusedKind, refusalMessage, type NastyText } from './nasty-input';

export interface RouteParameter {
  binding: HttpBinding;
  field: DescField;
  where: 'path' | 'query';
}

const isNumber = (field: DescField) =>
  field.fieldKind === 'scalar' &&
  field.scalar !== ScalarType.STRING &&
  field.scalar !== ScalarType.BOOL;
const isText = (field: DescField) =>
  field.fieldKind === 'scalar' && field.scalar === ScalarType.STRING;

/** Every path parameter and every text or number query parameter of every route. */
export function routeParameters(services: readonly DescService[]): RouteParameter[] {
  return services.flatMap((service) =>
    service.methods.flatMap((method) => {
      const binding = httpBindingOf(method);
      return [
        ...binding.pathFields.map((field) => ({ binding, field, where: 'path' as const })),
        ...binding.queryFields
          .filter((field) => isText(field) || isNumber(field))
          .map((field) => ({ binding, field, where: 'query' as const })),
      ];
    }),
  );
}

export const isNumberParameter = (parameter: RouteParameter) => isNumber(parameter.field);

/** Ordinary values of the other parameters: path variables by proto name, and query text. */
export interface OrdinaryParameters {
  path: (field: string, parameter: RouteParameter) => string;
  /** Query parameters sent along (the nasty one replaces its own), by proto name. */
  query?: Readonly<Record<string, string>>;
}

/** The path and query of a request to the route with `value` (percent-encoded) in the parameter. */
export function routeRequestPath(
  parameter: RouteParameter,
  value: string,
  ordinary: OrdinaryParameters,
): string {
  const { binding, field, where } = parameter;
  const path = binding.template.replace(/\{([a-z_]+)\}/g, (_match, name: string) =>
    where === 'path' && name === field.name
      ? value
      : encodeURIComponent(ordinary.path(name, parameter)),
  );
  const query = Object.entries(ordinary.query ?? {})
    .filter(([name]) => binding.queryFields.some((candidate) => candidate.name === name))
    .filter(([name]) => where === 'path' || name !== field.name)
    .map(([name, text]) => `${name}=${encodeURIComponent(text)}`);
  if (where === 'query') query.push(`${field.name}=${value}`);
  return query.length === 0 ? path : `${path}?${query.join('&')}`;
}

/** Sends the request; the status and the parsed JSON body. */
export async function sendRouteRequest(
  baseUrl: string,
  parameter: RouteParameter,
  pathAndQuery: string,
  body: unknown,
): Promise<{ status: number; body: unknown }> {
  const { binding } = parameter;
  const response = await fetch(`${baseUrl}${pathAndQuery}`, {
    method: binding.verb,
    headers: binding.hasBody ? { 'content-type': 'application/json' } : {},
    body: binding.hasBody ? JSON.stringify(body ?? {}) : undefined,
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

/** The answer a refused value gets: 400 naming the parameter (414 for a too long path variable). */
export function expectedRefusal(parameter: RouteParameter, nasty: NastyText) {
  if (!isRefusedKind(nasty.kind)) return undefined;
  const isLongPath = parameter.where === 'path' && nasty.kind === 'too-long';
  return {
    status: isLongPath ? 414 : 400,
    body: {
      code: 3,
      message: refusalMessage(nasty.kind, parameter.field.jsonName, true),
      details: [],
    },
  };
}
