/**
 * An HTTP/1.1 request written byte for byte on a socket, for headers no HTTP client sends: NUL and
 * other control characters, repeated `authorization` headers, values past the server's header
 * limit. The answer is read until the server closes the connection.
 */
import { connect } from 'node:net';

export interface RawRequest {
  method: string;
  path: string;
  /** In order, repeats allowed; a string value is written as its UTF-8 bytes. */
  headers: ReadonlyArray<readonly [string, string | Buffer]>;
  /** Sent as JSON with its content-length. */
  body?: unknown;
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  /** The JSON body, the text when it is not JSON, undefined when empty. */
  body: unknown;
}

const CRLF = '\r\n';

export function sendRawRequest(baseUrl: string, request: RawRequest): Promise<RawAnswer> {
  const { hostname, port } = new URL(baseUrl);
  const body = request.body === undefined ? undefined : Buffer.from(JSON.stringify(request.body));
  const head = [
    Buffer.from(`${request.method} ${request.path} HTTP/1.1${CRLF}host: ${hostname}${CRLF}`),
    Buffer.from(`connection: close${CRLF}`),
    ...request.headers.map(([name, value]) =>
      Buffer.concat([Buffer.from(`${name}: `), Buffer.from(value), Buffer.from(CRLF)]),
    ),
    Buffer.from(body === undefined ? '' : `content-length: ${body.length}${CRLF}`),
    Buffer.from(CRLF),
  ];
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(Number(port), hostname);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // The server may answer (431, 400) and close before it has read everything: EPIPE, ECONNRESET.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      const answer = parseAnswer(Buffer.concat(chunks));
      if (answer) resolve(answer);
      else
        reject(
          new Error(
            `no HTTP answer to ${request.method} ${request.path}: ${JSON.stringify(Buffer.concat(chunks).toString('latin1').slice(0, 300))}`,
          ),
        );
    });
    // Not ended: a client's FIN makes Node's HTTP server abort a request still being answered.
    socket.setTimeout(15_000, () => socket.destroy());
    socket.write(Buffer.concat(body === undefined ? head : [...head, body]));
  });
}

function parseAnswer(bytes: Buffer): RawAnswer | undefined {
  const end = bytes.indexOf(`${CRLF}${CRLF}`);
  if (end < 0) return undefined;
  const [statusLine = '', ...lines] = bytes.subarray(0, end).toString('latin1').split(CRLF);
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1]);
  if (Number.isNaN(status)) return undefined;
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let payload = bytes.subarray(end + 4);
  if (headers['transfer-encoding'] === 'chunked') payload = unchunk(payload);
  const text = payload.toString('utf8');
  return { status, headers, body: text === '' ? undefined : jsonOrText(text) };
}

function unchunk(bytes: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = bytes.indexOf(CRLF, at);
    const size = parseInt(bytes.subarray(at, lineEnd).toString('latin1'), 16);
    if (lineEnd < 0 || !(size > 0)) return Buffer.concat(parts);
    parts.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}

function jsonOrText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** True when Node's HTTP parser refuses a header holding `value` (400) before any route sees it. */
export const isParserRefused = (value: string): boolean =>
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000a-\u001f\u007f]/.test(value);
