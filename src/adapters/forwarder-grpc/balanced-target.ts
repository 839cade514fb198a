import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { GrpcCode } from './grpc-codes';
import {
  GrpcCallError,
  Http2GrpcChannel,
  type Http2GrpcChannelOptions,
} from './http2-grpc-channel';

/** How long a name's addresses are used before they are looked up again. */
const RESOLVE_INTERVAL_MS = 30_000;

/**
 * A forwarder address (`host:port`) spread round-robin over every address the host name resolves
 * to, one HTTP/2 connection each (Maestro's grpc-go `round_robin` over DNS). Names are looked up
 * again every 30 s in the background; connections to addresses that disappeared are closed.
 */
export class BalancedTarget {
  private channels: Http2GrpcChannel[] = [];
  private byAuthority = new Map<string, Http2GrpcChannel>();
  private next = 0;
  private resolvedAt = 0;
  private resolving?: Promise<void>;
  private readonly host: string;
  private readonly port: string;

  constructor(
    address: string,
    private readonly options: Http2GrpcChannelOptions,
  ) {
    const separator = address.lastIndexOf(':');
    this.host = address.slice(0, separator).replace(/^\[(.*)\]$/, '$1');
    this.port = address.slice(separator + 1);
  }

  /**
   * One unary call on the next healthy address. A call whose connection could not even be
   * established (so the server never saw it) moves on to the next address, as grpc-go's
   * round_robin only picks connected addresses.
   */
  async unary(path: string, message: Uint8Array, timeoutMs: number): Promise<Buffer> {
    if (this.channels.length === 0) await this.resolve();
    else if (Date.now() - this.resolvedAt > RESOLVE_INTERVAL_MS) {
      void this.resolve().catch(() => undefined);
    }
    const candidates = this.inRotation();
    for (let attempt = 0; ; attempt += 1) {
      const channel = candidates[attempt];
      if (!channel) throw new GrpcCallError(GrpcCode.UNAVAILABLE, `${this.host} has no address`);
      try {
        return await channel.unary(path, message, timeoutMs);
      } catch (error) {
        const isLast = attempt === candidates.length - 1;
        if (isLast || !(error instanceof GrpcCallError) || !error.isUnsent) throw error;
      }
    }
  }

  /** Every channel, starting at the round-robin position, healthy ones first. */
  private inRotation(): Http2GrpcChannel[] {
    const start = this.next++ % Math.max(1, this.channels.length);
    const rotated = [...this.channels.slice(start), ...this.channels.slice(0, start)];
    return [...rotated.filter((c) => c.isHealthy()), ...rotated.filter((c) => !c.isHealthy())];
  }

  close(): void {
    for (const channel of this.byAuthority.values()) channel.close();
    this.byAuthority.clear();
    this.channels = [];
  }

  private resolve(): Promise<void> {
    this.resolving ??= this.lookup().finally(() => (this.resolving = undefined));
    return this.resolving;
  }

  private async lookup(): Promise<void> {
    const ips = isIP(this.host)
      ? [this.host]
      : (await lookup(this.host, { all: true })).map((entry) => entry.address);
    const authorities = ips.map((ip) =>
      isIP(ip) === 6 ? `[${ip}]:${this.port}` : `${ip}:${this.port}`,
    );
    const kept = new Map<string, Http2GrpcChannel>();
    for (const authority of authorities) {
      kept.set(
        authority,
        this.byAuthority.get(authority) ?? new Http2GrpcChannel(authority, this.options),
      );
    }
    for (const [authority, channel] of this.byAuthority) if (!kept.has(authority)) channel.close();
    this.byAuthority = kept;
    this.channels = [...kept.values()];
    this.resolvedAt = Date.now();
  }
}
