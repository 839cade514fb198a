import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

/**
 * The machine a result was measured on, taken when the benchmark starts: the load average says
 * how busy the shared 2 cores already were (other test suites often run beside a benchmark).
 */
export function machineInfo() {
  return {
    cpus: os.cpus().length,
    model: os.cpus()[0]?.model ?? '',
    memoryGb: round(os.totalmem() / 2 ** 30),
    node: process.version,
    loadAverageBefore: os.loadavg().map(round),
    startedAt: new Date().toISOString(),
    revision: revision(),
  };
}

/** The commit measured, `+dirty` when the sources differ from it. */
function revision(): string {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' });
  const isDirty = git('status', '--porcelain', '--', 'src', 'activities', 'workflows') !== '';
  return `${git('rev-parse', '--short', 'HEAD').trim()}${isDirty ? '+dirty' : ''}`;
}

/** The command line that ran this benchmark, with the BENCH_* settings it was given. */
export function commandLine(): string {
  const settings = Object.entries(process.env)
    .filter(([name]) => name.startsWith('BENCH_'))
    .map(([name, value]) => `${name}=${value}`);
  const script = path.relative(root, process.argv[1] ?? '');
  return [...settings, 'node', ...process.execArgv, script].join(' ');
}

/** Writes bench/results/<name>.json and prints it. */
export function writeResult(name: string, result: object): void {
  const text = `${JSON.stringify(result, null, 2)}\n`;
  writeFileSync(path.join(root, 'bench/results', `${name}.json`), text);
  console.log(text);
}

/** A setting a user may override for exploration; committed figures use the defaults. */
export const setting = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

export const round = (value: number, digits = 2) => {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
};

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
