import { createServer } from 'node:net';
import type { Logger } from 'pino';

/** A scrape of the core's endpoint that takes longer is left out of that /metrics answer. */
const SCRAPE_TIMEOUT_MS = 2_000;

/**
 * The Temporal SDK's worker metrics (`temporal_*`), which its native core serves in Prometheus
 * text on a loopback port of its own (`Runtime.install`'s Prometheus exporter): `text()` reads
 * them so that each internal /metrics of the process includes them, one scrape target per
 * process as for every other metric.
 */
export class TemporalSdkMetrics {
  private constructor(
    /** `127.0.0.1:<port>`, where the core is told to listen. */
    readonly bindAddress: string,
    private readonly log: Logger,
  ) {}

  /** On loopback port `port`, or on a free one when 0 (chosen now, bound by the core next). */
  static async onPort(port: number, log: Logger): Promise<TemporalSdkMetrics> {
    const chosen = port === 0 ? await freeLoopbackPort() : port;
    return new TemporalSdkMetrics(`127.0.0.1:${chosen}`, log);
  }

  /** The core's metrics in Prometheus text; empty (and a warning) when it does not answer. */
  async text(): Promise<string> {
    try {
      const response = await fetch(`http://${this.bindAddress}/metrics`, {
        signal: AbortSignal.timeout(SCRAPE_TIMEOUT_MS),
      });
      if (!response.ok) throw new Error(`status ${response.status}`);
      return await response.text();
    } catch (error) {
      this.log.warn({ err: error, address: this.bindAddress }, 'temporal sdk metrics not read');
      return '';
    }
  }
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
