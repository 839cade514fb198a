import pino, { type Logger } from 'pino';
import type { Config } from '../../config/load';

export type { Logger };

/** The process's one root logger: JSON lines on stdout, child loggers carry the module name. */
export function createRootLogger(level: Config['logLevel']): Logger {
  return pino({
    level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
}
