import {
  Runtime,
  type Logger as TemporalLogger,
  type LogLevel,
  type LogMetadata,
} from '@temporalio/worker';
import type { Logger } from 'pino';

/**
 * Installs the process-wide Temporal runtime once: core SDK logs go to pino, and the runtime does
 * not grab SIGINT/SIGTERM, because each module drains its worker in its own shutdown sequence.
 */
export function installTemporalRuntime(log: Logger): void {
  Runtime.install({
    logger: toTemporalLogger(log.child({ component: 'temporal' })),
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
