import { trace } from '@opentelemetry/api';
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { Config } from '../../config/load';

export type { Logger };

/**
 * The process's one root logger on stdout; child loggers carry the module name. `json`: one JSON
 * object per line, for log collectors. `pretty`: the same records as one readable line each
 * (time, level, module, message, then the other fields), colored on a terminal, written
 * synchronously in this thread so nothing is lost when the process exits. `isTraced`: a record
 * written within a span carries its `trace_id` and `span_id` (OpenTelemetry's names for them in
 * logs), so a log line leads to its trace and back.
 */
export function createRootLogger(
  level: Config['logLevel'],
  format: Config['logFormat'] = 'json',
  {
    destination = process.stdout,
    isTraced = false,
  }: { destination?: NodeJS.WritableStream; isTraced?: boolean } = {},
): Logger {
  const options = {
    level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
    ...(isTraced && { mixin: traceFields }),
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

/** The active span's ids, or nothing outside a span (or in one not sampled). */
function traceFields(): Record<string, string> {
  const context = trace.getActiveSpan()?.spanContext();
  if (!context || !trace.isSpanContextValid(context)) return {};
  return { trace_id: context.traceId, span_id: context.spanId };
}
