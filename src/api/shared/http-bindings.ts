/**
 * The HTTP routes of RPCs, read from their `google.api.http` options exactly as grpc-gateway
 * reads them: one verb and path template per RPC, `{field=*}` path variables that fill request
 * fields, the whole body (`body: "*"`) or none, query parameters for the rest.
 */
import { getOption, type DescField, type DescMethod } from '@bufbuild/protobuf';
import { http } from '../../gen/google/api/annotations_pb';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface HttpBinding {
  readonly method: DescMethod;
  readonly verb: HttpMethod;
  /** OpenAPI form: `/schedulers/{scheduler_name}`. */
  readonly template: string;
  /** fastify form: `/schedulers/:scheduler_name`. */
  readonly routerPath: string;
  /** Request fields filled from path variables, in path order. */
  readonly pathFields: readonly DescField[];
  /** True for `body: "*"`: the JSON body is the request message. */
  readonly hasBody: boolean;
  /** Request fields read from the query string (none when the body is the message). */
  readonly queryFields: readonly DescField[];
  /** Matches a concrete request path (one segment per variable, as `{x=*}` does). */
  readonly pathPattern: RegExp;
}

const VERBS = { get: 'GET', post: 'POST', put: 'PUT', patch: 'PATCH', delete: 'DELETE' } as const;

const VARIABLE = /^\{([a-z_][a-z0-9_]*)(?:=\*)?\}$/;

function patternOf(method: DescMethod): { verb: HttpMethod; path: string } {
  const rule = getOption(method, http);
  switch (rule.pattern.case) {
    case 'get':
    case 'post':
    case 'put':
    case 'patch':
    case 'delete':
      return { verb: VERBS[rule.pattern.case], path: rule.pattern.value };
    case 'custom':
    case undefined:
      throw new Error(`${method.parent.typeName}.${method.name} has no supported http rule`);
  }
}

/** The binding of one RPC; throws at start-up for rules this server does not implement. */
export function httpBindingOf(method: DescMethod): HttpBinding {
  const { verb, path } = patternOf(method);
  const body = getOption(method, http).body;
  if (body !== '' && body !== '*') {
    throw new Error(`${method.name}: only body "*" or no body is supported, not "${body}"`);
  }
  const pathFields: DescField[] = [];
  const segments = path.split('/').map((segment) => {
    const variable = VARIABLE.exec(segment)?.[1];
    if (variable === undefined)
      return { template: segment, router: segment, regex: escape(segment) };
    const field = method.input.fields.find((candidate) => candidate.name === variable);
    if (!field) throw new Error(`${method.name}: path variable ${variable} is not a request field`);
    pathFields.push(field);
    return { template: `{${variable}}`, router: `:${variable}`, regex: '[^/]+' };
  });
  const hasBody = body === '*';
  return {
    method,
    verb,
    template: segments.map((segment) => segment.template).join('/'),
    routerPath: segments.map((segment) => segment.router).join('/'),
    pathFields,
    hasBody,
    queryFields: hasBody ? [] : method.input.fields.filter((field) => !pathFields.includes(field)),
    pathPattern: new RegExp(`^${segments.map((segment) => segment.regex).join('/')}$`),
  };
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
