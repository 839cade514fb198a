import {
  Runtime,
  type Logger as TemporalLogger,
  type LogLevel,
  type LogMetadata,
} from '@temporalio/worker';
import type { Logger } from 'pino';

/**
 * Installs the process-wide Temporal runtime once: the SDK's logs, the native core's included
 * (by default the core prints its own unstructured lines to the console, such as a retry warning
 * per poll while the server is down), go to pino as JSON; and the runtime does not grab
 * SIGINT/SIGTERM, because each module drains its worker in its own shutdown sequence. With
 * `sdkMetricsAddress`, the core serves its worker metrics there (see `TemporalSdkMetrics`).
 */
export function installTemporalRuntime(log: Logger, sdkMetricsAddress?: string): void {
  Runtime.install({
    logger: toTemporalLogger(log.child({ component: 'temporal' })),
    telemetryOptions: {
      logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} },
      ...(sdkMetricsAddress !== undefined && {
        metrics: { prometheus: { bindAddress: sdkMetricsAddress } },
      }),
    },
    shutdownSignals: [],
  });
}

/** Adapts pino to the Temporal SDK's logger interface. */
export function toTemporalLogger(log: Logger): TemporalLogger {
  const write = (level: LogLevel, message: string, meta?: LogMetadata) => {
    const pinoLevel =
      level === 'TRACE'
        ? 'trace'
        : level === 'DEBUG'
          ? 'debug'
          : level === 'INFO'
            ? 'info'
            : level === 'WARN'
              ? 'warn'
              : 'error';
    log[pinoLevel](meta ?? {}, message);
  };
  return {
    log: write,
    trace: (message, meta) => write('TRACE', message, meta),
    debug: (message, meta) => write('DEBUG', message, meta),
    info: (message, meta) => write('INFO', message, meta),
    warn: (message, meta) => write('WARN', message, meta),
    error: (message, meta) => write('ERROR', message, meta),
  };
}
