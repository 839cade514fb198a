/**
 * Unary gRPC calls over one HTTP/2 connection (node:http2), the subset of the gRPC protocol a
 * forwarder client needs: one uncompressed request message, one response message, status in the
 * trailers (or trailers-only), deadline as `grpc-timeout` and a local timer. It costs about half
 * the CPU of a @grpc/grpc-js call, which dominates the Rooms API's ping path (bench/rooms-api).
 */
import http2, { type ClientHttp2Session, type ClientHttp2Stream } from 'node:http2';
import { GrpcCode, grpcCodeOfHttpStatus, grpcCodeOfRstCode } from './grpc-codes';

/** A call that ended with a status other than OK. */
export class GrpcCallError extends Error {
  constructor(
    readonly code: GrpcCode,
    readonly details: string,
    /** True when the connection was never established: the server cannot have seen the call. */
    readonly isUnsent = false,
  ) {
    super(details);
    this.name = 'GrpcCallError';
  }
}

export interface Http2GrpcChannelOptions {
  /** HTTP/2 PING interval on an open connection. */
  keepaliveTimeMs: number;
  /** A PING unanswered this long closes the connection (calls on it fail UNAVAILABLE). */
  keepaliveTimeoutMs: number;
}

const { HTTP2_HEADER_STATUS } = http2.constants;

/** How long a connection failure keeps a channel out of a balancer's rotation. */
const UNHEALTHY_FOR_MS = 5_000;

/** One connection to `authority` (`host:port`), opened on first use and again after it closed. */
export class Http2GrpcChannel {
  private session?: ClientHttp2Session;
  private keepalive?: NodeJS.Timeout;
  private lastConnectFailureAt = 0;
  /** Whether the current session ever connected (a fresh object per session). */
  private connected = { value: false };

  constructor(
    private readonly authority: string,
    private readonly options: Http2GrpcChannelOptions,
  ) {}

  /** Sends `message` to `path`; resolves with the response message's bytes. */
  unary(path: string, message: Uint8Array, timeoutMs: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      let stream: ClientHttp2Stream;
      try {
        stream = this.open().request({
          ':method': 'POST',
          ':path': path,
          'content-type': 'application/grpc',
          te: 'trailers',
          'grpc-timeout': `${Math.max(1, Math.ceil(timeoutMs))}m`,
        });
      } catch (error) {
        return reject(new GrpcCallError(GrpcCode.UNAVAILABLE, describe(error)));
      }
      const connected = this.connected;
      new UnaryCall(stream, timeoutMs, resolve, reject, () => !connected.value).send(message);
    });
  }

  /** False for a while after a connection attempt failed (a balancer then prefers others). */
  isHealthy(): boolean {
    return Date.now() - this.lastConnectFailureAt > UNHEALTHY_FOR_MS;
  }

  close(): void {
    clearInterval(this.keepalive);
    this.session?.close();
    this.session = undefined;
  }

  private open(): ClientHttp2Session {
    if (this.session && !this.session.closed && !this.session.destroyed) return this.session;
    const session = http2.connect(`http://${this.authority}`);
    const connected = { value: false };
    this.connected = connected;
    session.once('connect', () => (connected.value = true));
    session.on('error', () => {
      // Each open stream reports the error itself; remember only that connecting failed.
      if (!connected.value) this.lastConnectFailureAt = Date.now();
    });
    session.on('goaway', () => this.forget(session));
    session.on('close', () => this.forget(session));
    session.unref();
    this.session = session;
    this.startKeepalive(session);
    return session;
  }

  private forget(session: ClientHttp2Session): void {
    if (this.session !== session) return;
    clearInterval(this.keepalive);
    this.session = undefined;
  }

  private startKeepalive(session: ClientHttp2Session): void {
    clearInterval(this.keepalive);
    this.keepalive = setInterval(() => {
      if (session.closed || session.destroyed || session.connecting) return;
      const timeout = setTimeout(() => session.destroy(), this.options.keepaliveTimeoutMs);
      session.ping((error) => {
        clearTimeout(timeout);
        if (error) session.destroy();
      });
    }, this.options.keepaliveTimeMs);
    this.keepalive.unref();
  }
}

/** One request/response exchange on one stream; settles exactly once. */
class UnaryCall {
  private readonly chunks: Buffer[] = [];
  private readonly timer: NodeJS.Timeout;
  private isSettled = false;
  private httpStatus = 0;

  constructor(
    private readonly stream: ClientHttp2Stream,
    timeoutMs: number,
    private readonly resolve: (message: Buffer) => void,
    private readonly reject: (error: GrpcCallError) => void,
    private readonly isUnsent: () => boolean,
  ) {
    this.timer = setTimeout(() => {
      this.fail(GrpcCode.DEADLINE_EXCEEDED, `deadline of ${timeoutMs} ms exceeded`);
      stream.close(http2.constants.NGHTTP2_CANCEL);
    }, timeoutMs);
    stream.on('response', (headers) => {
      this.httpStatus = Number(headers[HTTP2_HEADER_STATUS]);
      // Trailers-only: the status comes with the headers (an error before any message).
      if (headers['grpc-status'] !== undefined) this.finish(headers);
    });
    stream.on('data', (chunk: Buffer) => this.chunks.push(chunk));
    stream.on('trailers', (trailers: http2.IncomingHttpHeaders) => this.finish(trailers));
    stream.on('error', (error) => {
      const unsent = this.isUnsent();
      this.settle(() =>
        this.reject(new GrpcCallError(GrpcCode.UNAVAILABLE, describe(error), unsent)),
      );
    });
    stream.on('close', () => this.closed());
  }

  send(message: Uint8Array): void {
    const frame = Buffer.allocUnsafe(5 + message.length);
    frame[0] = 0; // not compressed
    frame.writeUInt32BE(message.length, 1);
    frame.set(message, 5);
    this.stream.end(frame);
  }

  private finish(metadata: http2.IncomingHttpHeaders): void {
    const code = Number(metadata['grpc-status']) as GrpcCode;
    if (code !== GrpcCode.OK) {
      const details = decodeURIComponent(String(metadata['grpc-message'] ?? ''));
      return this.fail(Number.isInteger(code) ? code : GrpcCode.UNKNOWN, details);
    }
    const body = Buffer.concat(this.chunks);
    if (body.length < 5 || body[0] !== 0 || body.readUInt32BE(1) !== body.length - 5) {
      return this.fail(GrpcCode.INTERNAL, 'response is not one uncompressed gRPC message');
    }
    this.settle(() => this.resolve(body.subarray(5)));
  }

  private closed(): void {
    if (this.isSettled) return;
    if (this.httpStatus !== 0 && this.httpStatus !== 200) {
      return this.fail(grpcCodeOfHttpStatus(this.httpStatus), `HTTP status ${this.httpStatus}`);
    }
    const { rstCode } = this.stream;
    this.fail(grpcCodeOfRstCode(rstCode), `stream closed without a gRPC status (RST ${rstCode})`);
  }

  private fail(code: GrpcCode, details: string): void {
    this.settle(() => this.reject(new GrpcCallError(code, details)));
  }

  private settle(action: () => void): void {
    if (this.isSettled) return;
    this.isSettled = true;
    clearTimeout(this.timer);
    action();
  }
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));
