/**
 * A Markdown walkthrough (docs/getting-started.md) as the steps a test executes: every `sh` block,
 * in order, with what the `<!-- test: … -->` comment just before it asks for.
 *
 * - `background "<text>"`: a process of its own (a terminal left running) until the end; the step
 *   is done once its output contains the text.
 * - `expect "<regex>"`: run once in the walkthrough's shell; its output (stdout and stderr) must
 *   match.
 * - `until "<regex>"`: run again every few seconds until its output matches ("run this until…").
 * - none: run once; it must succeed.
 *
 * Other blocks (`text`, `yaml`, …) are shown output and files, never run.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface WalkthroughStep {
  /** The block's first line, to name the step. */
  title: string;
  script: string;
  /** The line of the block's opening fence (1-based). */
  line: number;
  mode: 'run' | 'expect' | 'until' | 'background';
  pattern?: RegExp;
  /** `background`: the output that says it is up. */
  readyText?: string;
}

const DIRECTIVE = /^<!-- test: (background|expect|until) "(.*)" -->$/;

export function walkthroughSteps(markdown: string): WalkthroughStep[] {
  const lines = markdown.split('\n');
  const steps: WalkthroughStep[] = [];
  let directive: RegExpExecArray | undefined;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    const found = DIRECTIVE.exec(line);
    if (found) {
      directive = found;
      continue;
    }
    const fence = /^```(\S*)$/.exec(line);
    if (!fence) continue;
    const end = lines.indexOf('```', index + 1);
    if (end < 0) throw new Error(`line ${index + 1}: a code block is never closed`);
    if (fence[1] === 'sh') {
      const script = lines.slice(index + 1, end).join('\n');
      const [, mode = 'run', argument = ''] = directive ?? [];
      const text = argument.replace(/\\"/g, '"');
      steps.push({
        title: script.split('\n')[0]!,
        script,
        line: index + 1,
        mode: mode as WalkthroughStep['mode'],
        ...(mode === 'background' ? { readyText: text } : {}),
        ...(mode === 'expect' || mode === 'until' ? { pattern: new RegExp(text) } : {}),
      });
    } else if (directive) {
      throw new Error(`line ${index + 1}: a test comment stands before a ${fence[1]} block`);
    }
    directive = undefined;
    index = end;
  }
  return steps;
}

/**
 * One bash session for the walkthrough's commands, as a user's terminal: variables set by one
 * block are seen by the next. `set -eo pipefail`: a failing command ends the session, and the
 * step that ran it fails with its output.
 */
export class WalkthroughShell {
  private readonly child: ChildProcess;
  private output = '';
  private exited = false;
  private count = 0;

  constructor(cwd: string, env: NodeJS.ProcessEnv) {
    this.child = spawn('bash', ['--noprofile', '--norc'], {
      cwd,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    for (const stream of [this.child.stdout!, this.child.stderr!])
      stream.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.on('exit', () => (this.exited = true));
    this.child.stdin!.write('set -eo pipefail\n');
  }

  /**
   * Runs `script` and returns its output and status. `isTolerated`: a failure is returned, not the
   * end of the session (a command run again until it shows something).
   */
  async run(script: string, timeoutMs: number, isTolerated = false) {
    const marker = `__walkthrough_${++this.count}__`;
    const start = this.output.length;
    this.child.stdin!.write(
      isTolerated
        ? `if ( set -e\n${script}\n) 2>&1; then echo "${marker} 0"; else echo "${marker} $?"; fi\n`
        : `{\n${script}\n} 2>&1; echo "${marker} $?"\n`,
    );
    const ended = new RegExp(`${marker} (\\d+)\\n`);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = ended.exec(this.output.slice(start));
      if (found) {
        return { output: this.output.slice(start, start + found.index), status: Number(found[1]) };
      }
      if (this.exited) return { output: this.output.slice(start), status: -1 };
      if (Date.now() > deadline) {
        throw new Error(`still running after ${timeoutMs / 1000} s:\n${this.output.slice(start)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  close() {
    if (!this.exited) this.child.kill('SIGKILL');
  }
}

/** A block left running in a terminal of its own: its process group, to stop it as Ctrl-C does. */
export class BackgroundProcess {
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;
  private text = '';

  constructor(script: string, cwd: string, env: NodeJS.ProcessEnv) {
    this.child = spawn('bash', ['--noprofile', '--norc', '-c', script], {
      cwd,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [this.child.stdout!, this.child.stderr!])
      stream.on('data', (chunk: Buffer) => (this.text += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.on('exit', resolve));
  }

  output(): string {
    return this.text;
  }

  async waitFor(text: string, timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    while (!this.text.includes(text)) {
      if (this.child.exitCode !== null) throw new Error(`exited before "${text}":\n${this.text}`);
      if (Date.now() > deadline)
        throw new Error(`no "${text}" within ${timeoutMs / 1000} s:\n${this.text}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** Ctrl-C in its terminal: SIGINT to the whole process group. */
  interrupt() {
    if (this.child.pid !== undefined && this.child.exitCode === null) {
      try {
        process.kill(-this.child.pid, 'SIGINT');
      } catch {
        // already gone
      }
    }
  }

  kill() {
    if (this.child.pid !== undefined) {
      try {
        process.kill(-this.child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}
