import { PassThrough } from 'node:stream';
import { context, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { createRootLogger } from '../../src/main/infra/logger';

function capture() {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  return { stream, text: () => chunks.join('') };
}

describe('the root logger', () => {
  it('writes one JSON object per line by default', () => {
    const out = capture();
    createRootLogger('info', 'json', { destination: out.stream })
      .child({ module: 'worker' })
      .info({ scheduler: 'arena' }, 'started');
    const record = JSON.parse(out.text().trim()) as Record<string, unknown>;
    expect(record).toMatchObject({
      level: 'info',
      module: 'worker',
      scheduler: 'arena',
      msg: 'started',
      pid: process.pid,
    });
    expect(record['time']).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('writes a readable line with the module before the message and the fields after', () => {
    const out = capture();
    const log = createRootLogger('info', 'pretty', { destination: out.stream }).child({
      module: 'rooms-api',
    });
    log.warn({ scheduler: 'arena', rooms: 3 }, 'rooms expired');
    log.debug('below the level');
    const lines = out.text().trimEnd().split('\n');
    expect(lines[0]).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] WARN: \[rooms-api\] rooms expired$/);
    expect(lines.slice(1).map((line) => line.trim())).toEqual(['scheduler: "arena"', 'rooms: 3']);
    expect(out.text()).not.toContain('below the level');
    expect(out.text()).not.toContain('\u001b['); // not a terminal: no colors
  });

  it("carries the active span's trace and span ids when tracing is on, and nothing outside a span", () => {
    const manager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(manager);
    try {
      const out = capture();
      const log = createRootLogger('info', 'json', { destination: out.stream, isTraced: true });
      const span = trace.wrapSpanContext({
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        spanId: '00f067aa0ba902b7',
        traceFlags: TraceFlags.SAMPLED,
      });
      context.with(trace.setSpan(context.active(), span), () => log.info('inside'));
      log.info('outside');
      const [inside, outside] = out
        .text()
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(inside).toMatchObject({
        msg: 'inside',
        trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
        span_id: '00f067aa0ba902b7',
      });
      expect(outside).not.toHaveProperty('trace_id');
    } finally {
      context.disable();
    }
  });
});
