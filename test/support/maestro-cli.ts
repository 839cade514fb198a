import { spawn } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

/** How a `maestro …` client command ended. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI from the sources as a user runs the built one (stdin closed, or `input`), with only
 * `env`'s MAESTRO_* variables (none of the test's) and no terminal.
 */
export function maestroCli(
  args: readonly string[],
  env: Record<string, string> = {},
  input?: string,
): Promise<CliRun> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] =>
        !/^(MAESTRO|TEMPORAL)_/.test(entry[0]) && entry[1] !== undefined,
    ),
  );
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'src/main/cli.ts'), ...args],
    {
      cwd: root,
      env: { ...inherited, ...env },
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    },
  );
  if (input !== undefined) child.stdin?.end(input);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}
