import { fromBinary } from '@bufbuild/protobuf';
import type { ForwarderMessage } from '../../domain/game-room/forwarding';
import type { Forwarder } from '../../domain/scheduler/scheduler';
import { ResponseSchema, type Response } from '../../gen/eventforwarder/events_pb';
import { ForwardingFailedError, type ForwarderClient } from '../../ports/forwarder';
import { BalancedTarget } from './balanced-target';
import { encodeForwarderMessage } from './forwarder-messages';
import { GrpcCode, grpcCodeName } from './grpc-codes';
import { GrpcCallError, type Http2GrpcChannelOptions } from './http2-grpc-channel';

/** Maestro's default deadline of a forwarder without options. */
const DEFAULT_TIMEOUT_MS = 1_000;

/** Maestro's `adapters.grpc.keepAlive` defaults: PING every 30 s, 5 s to answer. */
const DEFAULT_OPTIONS: Http2GrpcChannelOptions = {
  keepaliveTimeMs: 30_000,
  keepaliveTimeoutMs: 5_000,
};

/**
 * The Maestro forwarder protocol (`eventforwarder.GRPCForwarder`) over plaintext gRPC, as Maestro
 * speaks it: connections per forwarder address reused by every call, balanced round-robin over
 * the addresses its name resolves to, HTTP/2 keepalive, each call with the forwarder's
 * `options.timeoutMs` as deadline. A transport or gRPC error, the deadline, or a reply whose
 * `code` is not 200 (Maestro only counted those) fails the call.
 */
export class GrpcForwarderClient implements ForwarderClient {
  private readonly targets = new Map<string, BalancedTarget>();

  constructor(private readonly options: Http2GrpcChannelOptions = DEFAULT_OPTIONS) {}

  async send(forwarder: Forwarder, message: ForwarderMessage): Promise<void> {
    const call = encodeForwarderMessage(message);
    const timeoutMs = forwarder.options?.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    let response: Response;
    try {
      const target = this.targetOf(forwarder.address);
      response = fromBinary(ResponseSchema, await target.unary(call.path, call.bytes, timeoutMs));
    } catch (error) {
      throw transportFailure(forwarder, error);
    }
    if (response.code !== 200) throw replyFailure(forwarder, response);
  }

  close(): void {
    for (const target of this.targets.values()) target.close();
    this.targets.clear();
  }

  private targetOf(address: string): BalancedTarget {
    let target = this.targets.get(address);
    if (!target) {
      target = new BalancedTarget(address, this.options);
      this.targets.set(address, target);
    }
    return target;
  }
}

function transportFailure(forwarder: Forwarder, error: unknown): ForwardingFailedError {
  const code = error instanceof GrpcCallError ? error.code : GrpcCode.UNAVAILABLE;
  const details = error instanceof Error ? error.message : String(error);
  const name = grpcCodeName(code);
  return new ForwardingFailedError(
    forwarder.name,
    name,
    `failed to forward event room at "${forwarder.name}" with code ${name}: ${details}`,
    { cause: error },
  );
}

function replyFailure(forwarder: Forwarder, response: Response): ForwardingFailedError {
  const detail = response.message ? `: ${response.message}` : '';
  return new ForwardingFailedError(
    forwarder.name,
    `response_${response.code}`,
    `forwarder "${forwarder.name}" answered code ${response.code}${detail}`,
  );
}
