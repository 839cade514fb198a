import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ModuleName } from '../../src/config/load';
import { freePort } from '../../scripts/local-infra/paths';
import { INTERNAL_PORT_VARIABLE } from '../../test/support/maestro-process';
import { round, sleep } from './results';

const root = path.resolve(__dirname, '../..');
const BUILT_CLI = path.join(root, 'dist/src/main/cli.js');

export interface MaestroProcess {
  module: ModuleName | 'all';
  pid: number;
  /** Resident set size now, in bytes (VmRSS). */
  rss(): number;
  /** CPU seconds (user + system) used so far. */
  cpuSeconds(): number;
  /**
   * The main thread's V8 heap and external memory, in bytes, from the process's own /metrics
   * (prom-client): what is not in them is native (Temporal's core) or the workflow threads'.
   */
  mainThreadMemory(): Promise<{ heapUsed: number; heapTotal: number; external: number }>;
  /**
   * The V8 heap of the process's worker threads (the Temporal SDK's workflow threads, which hold
   * the cached workflows), in bytes, from a Node diagnostic report written on SIGUSR2.
   */
  workerThreadsHeap(): Promise<{ used: number; total: number; threads: number }>;
  stop(): Promise<void>;
}

/**
 * `node bin/maestro.js start <module>`: the built package as users run it (prebuilt workflow
 * bundle, no TypeScript loader), so its memory is what a deployment would see. Resolves once its
 * /readyz answers 200 (the worker's, for `all`). Fails when dist/ is older than the sources (run
 * `npm run build`).
 */
export async function startMaestro(
  module: ModuleName | 'all',
  environment: Record<string, string>,
): Promise<MaestroProcess> {
  assertBuildIsFresh();
  const internalPort = await freePort();
  const reports = mkdtempSync(path.join(os.tmpdir(), 'maestro-bench-report-'));
  const child = spawn(process.execPath, ['bin/maestro.js', 'start', module], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      PATH: process.env['PATH'],
      NODE_ENV: 'production',
      NODE_OPTIONS: `--report-on-signal --report-signal=SIGUSR2 --report-directory=${reports}`,
      ...environment,
      [INTERNAL_PORT_VARIABLE[module === 'all' ? 'worker' : module]]: String(internalPort),
    },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pid = child.pid!;
  await waitReady(`http://127.0.0.1:${internalPort}/readyz`, exited);
  return {
    module,
    pid,
    rss: () => rssBytes(pid),
    cpuSeconds: () => cpuSeconds(pid),
    mainThreadMemory: () => mainThreadMemory(`http://127.0.0.1:${internalPort}/metrics`),
    workerThreadsHeap: () => workerThreadsHeap(child.pid!, reports),
    async stop() {
      child.kill('SIGTERM');
      await exited;
      rmSync(reports, { recursive: true, force: true });
    },
  };
}

/** Each process's `mainThreadMemory()`, in MB. */
export async function mainThreadMemoryOf(processes: readonly MaestroProcess[]) {
  const entries = await Promise.all(
    processes.map(async (p) => {
      const memory = await p.mainThreadMemory();
      const mb = Object.entries(memory).map(([name, bytes]) => [name, round(bytes / MB, 1)]);
      return [p.module, Object.fromEntries(mb)] as const;
    }),
  );
  return Object.fromEntries(entries);
}

/** RSS of each process (and their sum) every SAMPLE_MS for `durationMs`: median and peak, MB. */
export async function sampleRss(processes: readonly MaestroProcess[], durationMs: number) {
  const samples: Record<string, number[]> = {};
  const deadline = Date.now() + durationMs;
  while (Date.now() < deadline) {
    await sleep(SAMPLE_MS);
    const perModule = processes.map((p) => [p.module, p.rss() / MB] as const);
    for (const [name, mb] of [
      ...perModule,
      ['total', perModule.reduce((a, [, mb]) => a + mb, 0)] as const,
    ]) {
      (samples[name] ??= []).push(mb);
    }
  }
  const summary = (f: (values: number[]) => number) =>
    Object.fromEntries(
      Object.entries(samples).map(([name, values]) => [name, round(f(values), 1)]),
    );
  return { median: summary(median), peak: summary((values) => Math.max(...values)) };
}

const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const MB = 2 ** 20;
const SAMPLE_MS = 2_000;

/** Resident set size of a process, in bytes, from /proc. */
export function rssBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0) * 1024;
}

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));

/** CPU seconds (user + system) a process has used so far, from /proc. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

async function mainThreadMemory(url: string) {
  const text = await (await fetch(url)).text();
  const gauge = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return {
    heapUsed: gauge('nodejs_heap_size_used_bytes'),
    heapTotal: gauge('nodejs_heap_size_total_bytes'),
    external: gauge('nodejs_external_memory_bytes'),
  };
}

interface DiagnosticReport {
  workers?: Array<{ javascriptHeap?: { usedMemory: number; totalMemory: number } }>;
}

/** SIGUSR2 (--report-on-signal), then the report's worker threads' heaps once it is written. */
async function workerThreadsHeap(pid: number, dir: string) {
  for (const file of readdirSync(dir)) rmSync(path.join(dir, file));
  process.kill(pid, 'SIGUSR2');
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    await sleep(500);
    const file = readdirSync(dir).find((name) => name.endsWith('.json'));
    if (!file) continue;
    let report: DiagnosticReport;
    try {
      report = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as DiagnosticReport;
    } catch {
      continue; // still being written
    }
    const heaps = (report.workers ?? []).flatMap((w) =>
      w.javascriptHeap ? [w.javascriptHeap] : [],
    );
    return {
      used: heaps.reduce((sum, heap) => sum + heap.usedMemory, 0),
      total: heaps.reduce((sum, heap) => sum + heap.totalMemory, 0),
      threads: heaps.length,
    };
  }
  throw new Error(`no diagnostic report from process ${pid} within 30 s`);
}

async function waitReady(url: string, exited: Promise<void>) {
  let hasExited = false;
  void exited.then(() => (hasExited = true));
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline && !hasExited) {
    const ok = await fetch(url).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await sleep(250);
  }
  throw new Error(hasExited ? `maestro exited before ${url} was ready` : `${url} never ready`);
}

function assertBuildIsFresh() {
  const built = statSync(BUILT_CLI, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const newest = Math.max(...['src', 'activities', 'workflows'].map((d) => newestMtime(d)));
  if (built < newest) {
    throw new Error('dist/ is missing or older than the sources: run `npm run build` first');
  }
}

function newestMtime(dir: string): number {
  return readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .reduce((newest, entry) => {
      const mtime = statSync(path.join(entry.parentPath, entry.name)).mtimeMs;
      return Math.max(newest, mtime);
    }, 0);
}

/** Each process's `workerThreadsHeap()`, in MB. */
export async function workerThreadsHeapOf(processes: readonly MaestroProcess[]) {
  const entries = [];
  for (const p of processes) {
    const heap = await p.workerThreadsHeap();
    entries.push([
      p.module,
      { used: round(heap.used / MB, 1), total: round(heap.total / MB, 1), threads: heap.threads },
    ] as const);
  }
  return Object.fromEntries(entries);
}
