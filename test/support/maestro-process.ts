import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { ModuleName } from '../../src/config/load';

const root = path.resolve(__dirname, '../..');

/** The variable of each module's internal port (/healthz, /readyz, /metrics). */
export const INTERNAL_PORT_VARIABLE: Record<ModuleName, string> = {
  'management-api': 'MAESTRO_MANAGEMENT_API_INTERNAL_PORT',
  'rooms-api': 'MAESTRO_ROOMS_API_INTERNAL_PORT',
  worker: 'MAESTRO_WORKER_INTERNAL_PORT',
  'runtime-watcher': 'MAESTRO_RUNTIME_WATCHER_INTERNAL_PORT',
  'metrics-reporter': 'MAESTRO_METRICS_REPORTER_INTERNAL_PORT',
};

/** A maestro CLI process run from the sources, as a user would run the built one. */
export interface MaestroProcess {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function runMaestro(args: readonly string[], env: Record<string, string>): MaestroProcess {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'src/main/cli.ts'), ...args],
    {
      cwd: root,
      env: { ...withoutMaestroOrTemporalVariables(process.env), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

/** The test's own MAESTRO_* and TEMPORAL_* variables (a developer's TEMPORAL_ADDRESS…) stay out. */
function withoutMaestroOrTemporalVariables(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] =>
        !/^(MAESTRO|TEMPORAL)_/.test(entry[0]) && entry[1] !== undefined,
    ),
  );
}

/** Polls `probe` until it returns true or `timeoutMs` passes; returns the last value seen. */
export async function waitFor<T>(
  probe: () => Promise<T>,
  isDone: (value: T) => boolean,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (isDone(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
