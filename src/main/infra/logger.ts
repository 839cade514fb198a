import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { Config } from '../../config/load';

export type { Logger };

/**
 * The process's one root logger on stdout; child loggers carry the module name. `json`: one JSON
 * object per line, for log collectors. `pretty`: the same records as one readable line each
 * (time, level, module, message, then the other fields), colored on a terminal, written
 * synchronously in this thread so nothing is lost when the process exits.
 */
export function createRootLogger(
  level: Config['logLevel'],
  format: Config['logFormat'] = 'json',
  destination: NodeJS.WritableStream = process.stdout,
): Logger {
  const options = {
    level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  if (format === 'json') return pino(options, destination);
  return pino(
    options,
    pretty({
      colorize: 'isTTY' in destination && destination.isTTY === true,
      destination,
      sync: true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname,module',
      messageFormat: (log, messageKey) => {
        const module = typeof log['module'] === 'string' ? `[${log['module']}] ` : '';
        const message = log[messageKey];
        return `${module}${typeof message === 'string' ? message : JSON.stringify(message ?? '')}`;
      },
    }),
  );
}
