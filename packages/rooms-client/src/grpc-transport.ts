/**
 * The Rooms API over native gRPC (`api.v1.RoomsService`): method paths
 * `/api.v1.RoomsService/<Method>`, messages in protobuf binary, the credential in the
 * `authorization` metadata, the timeout as the call's deadline.
 */
import {
  create,
  fromBinary,
  toBinary,
  type MessageInitShape,
  type MessageShape,
} from '@bufbuild/protobuf';
import type * as GrpcJs from '@grpc/grpc-js';
import type { ChannelCredentials, Client, ServiceError } from '@grpc/grpc-js';
import { RoomsApiError, RoomsConnectionError } from './errors';
import type { CallOptions, RoomsMethod, RoomsTransport } from './transport';

export interface GrpcTransportOptions {
  /**
   * `host:port`; `http://host:port` is the same, `https://host:port` uses TLS with the system's
   * roots (unless `credentials` says otherwise).
   */
  address: string;
  /** Channel credentials (TLS with your CA, mTLS); default from the address's scheme. */
  credentials?: ChannelCredentials;
}

export class GrpcTransport implements RoomsTransport {
  readonly kind = 'grpc';
  private readonly grpc = grpcJs();
  private readonly client: Client;
  private readonly target: string;

  constructor(options: GrpcTransportOptions) {
    const isTls = options.address.startsWith('https://');
    this.target = options.address.replace(/^https?:\/\//, '').replace(/\/+$/, '');
    const { credentials } = this.grpc;
    const channel =
      options.credentials ?? (isTls ? credentials.createSsl() : credentials.createInsecure());
    this.client = new this.grpc.Client(this.target, channel);
  }

  call<M extends RoomsMethod>(
    method: M,
    init: MessageInitShape<M['input']>,
    options: CallOptions,
  ): Promise<MessageShape<M['output']>> {
    const metadata = new this.grpc.Metadata();
    if (options.authorization) metadata.set('authorization', options.authorization);
    const request = create(method.input, init) as MessageShape<M['input']>;
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(
        `/${method.parent.typeName}/${method.name}`,
        (message: MessageShape<M['input']>) => Buffer.from(toBinary(method.input, message)),
        (bytes: Buffer) => fromBinary(method.output, bytes) as MessageShape<M['output']>,
        request,
        metadata,
        { deadline: Date.now() + options.timeoutMs },
        (error, response) => {
          if (error) reject(this.errorOf(error));
          else resolve(response!);
        },
      );
    });
  }

  close(): void {
    this.client.close();
  }

  private errorOf(error: ServiceError): Error {
    // Raised by this client, not answered by the server.
    if (error.code === this.grpc.status.DEADLINE_EXCEEDED) {
      return new RoomsConnectionError(this.target, true, true, { cause: error });
    }
    if (error.code === this.grpc.status.UNAVAILABLE && NOT_CONNECTED.test(error.details)) {
      return new RoomsConnectionError(this.target, false, false, { cause: error });
    }
    const [retryAfter] = error.metadata?.get('retry-after') ?? [];
    const seconds = Number(retryAfter ?? NaN);
    return new RoomsApiError({
      transport: 'grpc',
      code: error.code,
      message: error.details,
      ...(Number.isFinite(seconds) && { retryAfterSeconds: seconds }),
    });
  }
}

/**
 * @grpc/grpc-js, loaded by the first gRPC transport rather than with the package: a game room
 * that speaks HTTP does not pay its memory (about 10 MB per process).
 */
function grpcJs(): typeof GrpcJs {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@grpc/grpc-js') as typeof GrpcJs;
}

/** grpc-js's UNAVAILABLE before any stream was opened: the request never left. */
const NOT_CONNECTED = /^No connection established/;
