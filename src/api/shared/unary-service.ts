/**
 * A protobuf service implemented once, in messages, and served by any transport: grpc-gateway
 * style HTTP/JSON and native gRPC both decode a request message, call the same implementation and
 * encode its response, so the two cannot drift apart.
 */
import {
  create,
  type DescMessage,
  type DescMethod,
  type DescService,
  type Message,
  type MessageInitShape,
  type MessageShape,
} from '@bufbuild/protobuf';
import type { GenService, GenServiceMethods } from '@bufbuild/protobuf/codegenv2';
import type { Principal } from '../../domain/access/principal';
import type { Authorization } from './authorization';
import { checkRequestText, textFieldsOf } from './request-text';

/** What a handler may know about the call besides its request message. */
export interface CallContext {
  /** The request body as parsed from JSON, when the call came over HTTP (presence of fields). */
  readonly jsonBody?: unknown;
  /** The `authorization` HTTP header or gRPC metadata value, as sent (several: an array). */
  readonly authorization?: Authorization;
  /** The caller's address as the listener saw it (`10.0.0.7`, `ipv6:[::1]:5301`…). */
  readonly peer?: string;
  /** The authenticated caller, once access control has verified its credential. */
  readonly principal?: Principal;
  /** Aborted when the caller goes away (HTTP connection closed, gRPC call cancelled). */
  readonly signal?: AbortSignal;
}

/** Every RPC of service `S`, by its local name (`createScheduler`), taking and giving messages. */
export type UnaryImplementation<S extends GenService<GenServiceMethods>> = {
  [K in keyof S['method']]: (
    request: MessageShape<S['method'][K]['input']>,
    context: CallContext,
  ) => Promise<MessageInitShape<S['method'][K]['output']>>;
};

/** One RPC ready for a transport. */
export interface BoundMethod {
  readonly service: DescService;
  readonly method: DescMethod;
  invoke(request: Message, context: CallContext): Promise<Message>;
}

type UntypedHandler = (
  request: Message,
  context: CallContext,
) => Promise<MessageInitShape<DescMessage>>;

/**
 * Pairs each RPC of the service with its implementation; throws at start-up if one is missing.
 * Every call's text is checked first (request-text.ts), whichever transport it came by.
 */
export function bindUnaryService<S extends GenService<GenServiceMethods>>(
  service: S,
  implementation: UnaryImplementation<S>,
): BoundMethod[] {
  // The mapped type guarantees that the handler under `method.localName` takes `method.input`.
  const handlers = implementation as unknown as Record<string, UntypedHandler | undefined>;
  return service.methods.map((method) => {
    const handler = handlers[method.localName];
    if (!handler || method.methodKind !== 'unary') {
      throw new Error(`${service.typeName}.${method.name} has no unary implementation`);
    }
    const textFields = textFieldsOf(method);
    return {
      service,
      method,
      invoke: async (request, context) => {
        checkRequestText(textFields, request);
        return create(method.output, await handler.call(implementation, request, context));
      },
    };
  });
}
