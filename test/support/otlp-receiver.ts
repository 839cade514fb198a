import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import protobuf from 'protobufjs';

/**
 * The messages of OTLP/HTTP trace export (opentelemetry-proto: collector/trace/v1,
 * trace/v1, common/v1, resource/v1) with their real field numbers; fields a test never reads
 * (events, links, dropped counts) are left out and skipped by the decoder.
 */
const OTLP_TRACE_PROTO = `
syntax = "proto3";
package otlp;
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
message Resource { repeated KeyValue attributes = 1; }
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; }
message InstrumentationScope { string name = 1; string version = 2; }
message Span {
  bytes trace_id = 1;
  bytes span_id = 2;
  bytes parent_span_id = 4;
  string name = 5;
  int32 kind = 6;
  fixed64 start_time_unix_nano = 7;
  fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9;
  Status status = 15;
}
message Status { string message = 2; int32 code = 3; }
message KeyValue { string key = 1; AnyValue value = 2; }
message AnyValue {
  oneof value {
    string string_value = 1;
    bool bool_value = 2;
    int64 int_value = 3;
    double double_value = 4;
  }
}
`;

const ExportTraceServiceRequest = protobuf
  .parse(OTLP_TRACE_PROTO, { keepCase: true })
  .root.lookupType('otlp.ExportTraceServiceRequest');

type AttributeValue = string | number | boolean;

/** A span as an OTLP receiver got it. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** Empty for a root span. */
  parentSpanId: string;
  name: string;
  /** OTLP's SpanKind: 1 internal, 2 server, 3 client. */
  kind: number;
  attributes: Record<string, AttributeValue>;
  resource: Record<string, AttributeValue>;
  scope: string;
  /** OTLP's StatusCode: 0 unset, 1 ok, 2 error. */
  statusCode: number;
}

interface WireKeyValue {
  key: string;
  value?: {
    string_value?: string;
    bool_value?: boolean;
    int_value?: number;
    double_value?: number;
  };
}
interface WireSpan {
  trace_id: Uint8Array;
  span_id: Uint8Array;
  parent_span_id?: Uint8Array;
  name: string;
  kind?: number;
  attributes?: WireKeyValue[];
  status?: { code?: number };
}
interface WireRequest {
  resource_spans?: Array<{
    resource?: { attributes?: WireKeyValue[] };
    scope_spans?: Array<{ scope?: { name?: string }; spans?: WireSpan[] }>;
  }>;
}

const hex = (bytes?: Uint8Array) => Buffer.from(bytes ?? []).toString('hex');

const attributesOf = (pairs: readonly WireKeyValue[] = []): Record<string, AttributeValue> =>
  Object.fromEntries(
    pairs.map(({ key, value = {} }) => [
      key,
      value.string_value ?? value.bool_value ?? value.int_value ?? value.double_value ?? '',
    ]),
  );

function decode(body: Buffer): ReceivedSpan[] {
  const message = ExportTraceServiceRequest.decode(body);
  const request = ExportTraceServiceRequest.toObject(message, { longs: Number }) as WireRequest;
  return (request.resource_spans ?? []).flatMap((resourceSpans) => {
    const resource = attributesOf(resourceSpans.resource?.attributes);
    return (resourceSpans.scope_spans ?? []).flatMap((scopeSpans) =>
      (scopeSpans.spans ?? []).map((span) => ({
        traceId: hex(span.trace_id),
        spanId: hex(span.span_id),
        parentSpanId: hex(span.parent_span_id),
        name: span.name,
        kind: span.kind ?? 0,
        attributes: attributesOf(span.attributes),
        resource,
        scope: scopeSpans.scope?.name ?? '',
        statusCode: span.status?.code ?? 0,
      })),
    );
  });
}

async function bodyOf(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  return request.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
}

/**
 * An OTLP/HTTP trace receiver speaking the protocol as the OpenTelemetry Collector does:
 * `POST /v1/traces` with an `application/x-protobuf` ExportTraceServiceRequest, answered 200 with
 * an empty ExportTraceServiceResponse. Anything else is answered 404 / 415 and counted in
 * `refused`, so a test sees an exporter speaking something else.
 */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  refused = 0;
  private constructor(private readonly server: Server) {}

  static async start(): Promise<OtlpReceiver> {
    const server = createServer();
    const receiver = new OtlpReceiver(server);
    server.on('request', (request, response) => {
      const isTraces = request.method === 'POST' && request.url === '/v1/traces';
      const isProtobuf = request.headers['content-type'] === 'application/x-protobuf';
      if (!isTraces || !isProtobuf) {
        receiver.refused++;
        response.writeHead(isTraces ? 415 : 404).end();
        return;
      }
      bodyOf(request).then(
        (body) => {
          receiver.spans.push(...decode(body));
          response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
        },
        () => response.writeHead(400).end(),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  /** Base URL for `OTEL_EXPORTER_OTLP_ENDPOINT` (the exporter appends /v1/traces). */
  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Every received span of the trace `traceId`. */
  trace(traceId: string): ReceivedSpan[] {
    return this.spans.filter((span) => span.traceId === traceId);
  }

  /** The first received span named `name` (undefined when none arrived yet). */
  span(name: string): ReceivedSpan | undefined {
    return this.spans.find((span) => span.name === name);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
