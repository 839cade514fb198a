import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';

/** A server process this code started, and so the only kind it may stop. */
export interface ServiceProcess {
  readonly name: string;
  readonly pid: number;
  readonly exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs`. Resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL at once (fault-injection in tests). */
  kill(): Promise<void>;
}

export interface SpawnServiceOptions {
  name: string;
  command: string;
  args: readonly string[];
  /** stdout and stderr are appended here. */
  logFile: string;
  env?: NodeJS.ProcessEnv;
  uid?: number;
  gid?: number;
  cwd?: string;
  /** Own process group, so a terminal's Ctrl-C reaches only the script that started it (`npm run dev`), which orders the stop. */
  detached?: boolean;
}

export function spawnService(options: SpawnServiceOptions): ServiceProcess {
  const log = openSync(options.logFile, 'a');
  const spawnOptions: SpawnOptions = {
    stdio: ['ignore', log, log],
    env: { ...process.env, ...options.env },
    cwd: options.cwd,
    uid: options.uid,
    gid: options.gid,
    detached: options.detached ?? false,
  };
  let child: ChildProcess;
  try {
    child = spawn(options.command, options.args, spawnOptions);
  } finally {
    closeSync(log);
  }
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', reject);
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${options.name}: could not start ${options.command}`);
  const signalAndWait = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited.catch(() => undefined);
  };
  return {
    name: options.name,
    pid,
    exited,
    async stop(graceMs = 10_000) {
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        await signalAndWait('SIGTERM');
      } finally {
        clearTimeout(timer);
      }
    },
    kill: () => signalAndWait('SIGKILL'),
  };
}

/** Polls `probe` until it resolves, the process exits, or `timeoutMs` passes. */
export async function waitUntilReady(
  service: ServiceProcess,
  probe: () => Promise<unknown>,
  timeoutMs: number,
  logFile: string,
): Promise<void> {
  let hasExited = false;
  void service.exited.then(
    () => (hasExited = true),
    () => (hasExited = true),
  );
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (hasExited) throw new Error(`${service.name} exited during start-up (log: ${logFile})`);
    try {
      await probe();
      return;
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  throw new Error(`${service.name} not ready after ${timeoutMs} ms (log: ${logFile})`, {
    cause: lastError,
  });
}
