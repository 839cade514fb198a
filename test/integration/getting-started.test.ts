/**
 * docs/getting-started.md, executed: every `sh` block in order, as a user would type them, from
 * the repository's root, with `npm run dev` and the sample forwarder left running in terminals of
 * their own (test/support/walkthrough.ts reads the page). Nothing is rewritten: the page's ports
 * are dev's defaults, and `npm run dev` starts its own Temporal dev server, PostgreSQL and Redis in
 * a fresh state directory, as on a new clone. The CLI is the built one (`npx maestro`: npm ci
 * builds it).
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  BackgroundProcess,
  WalkthroughShell,
  walkthroughSteps,
  type WalkthroughStep,
} from '../support/walkthrough';

const root = path.resolve(__dirname, '../..');
const page = readFileSync(path.join(root, 'docs/getting-started.md'), 'utf8');
const steps = walkthroughSteps(page);

/** The ports the page's commands and files use: dev's APIs and the sample forwarder's. */
const PAGE_PORTS = [8080, 8070, 50051];
const STEP_TIMEOUT_MS = 240_000;
const UNTIL_TIMEOUT_MS = 120_000;

const isFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

describe('docs/getting-started.md', () => {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'maestro-getting-started-'));
  // dev's PostgreSQL runs as the postgres account when the tests run as root.
  chmodSync(stateDir, 0o755);
  // The user's environment: none of the test run's MAESTRO_* or TEMPORAL_* settings.
  const env: NodeJS.ProcessEnv = {
    ...Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !/^(MAESTRO|TEMPORAL)_/.test(name)),
    ),
    MAESTRO_DEV_STATE_DIR: stateDir,
  };
  const shell = new WalkthroughShell(root, env);
  const terminals: BackgroundProcess[] = [];

  afterAll(async () => {
    shell.close();
    for (const terminal of terminals) terminal.interrupt();
    const stopped = Promise.all(terminals.map((terminal) => terminal.exited));
    const timeout = new Promise((resolve) => setTimeout(resolve, 60_000));
    await Promise.race([stopped, timeout]);
    for (const terminal of terminals) terminal.kill();
    rmSync(stateDir, { recursive: true, force: true });
  }, 90_000);

  it('names its steps: every sh block is run, in order, with what its comment asks', () => {
    expect(steps.map((step) => step.mode)).toEqual([
      'background',
      'background',
      'expect',
      'expect',
      'expect',
      'expect',
      'expect',
      'until',
      'expect',
      'expect',
      'until',
      'expect',
    ]);
  });

  it('walks from npm run dev to a rolling update that leaves a match alone', async () => {
    for (const port of PAGE_PORTS) {
      if (!(await isFree(port))) throw new Error(`port ${port}, which the page uses, is taken`);
    }
    for (const step of steps) await execute(step);

    const [dev, forwarder] = terminals as [BackgroundProcess, BackgroundProcess];
    // The backend heard the rooms' pings and the player's arrival and departure.
    expect(forwarder.output()).toMatch(/room resync +sample\/arena-\S+ status=ready/);
    expect(forwarder.output()).toMatch(/room resync +sample\/arena-\S+ status=occupied/);
    expect(forwarder.output()).toMatch(
      /player event +sample\/arena-\S+ player=alice event=PLAYER_JOINED/,
    );
    expect(forwarder.output()).toMatch(
      /player event +sample\/arena-\S+ player=alice event=PLAYER_LEFT/,
    );

    // Ctrl-C in both terminals: each stops cleanly, dev with the services it started.
    forwarder.interrupt();
    dev.interrupt();
    expect(await forwarder.exited).toBe(0);
    await dev.exited;
    expect(dev.output()).toContain('[dev] stopping temporal');
  }, 1_200_000);

  async function execute(step: WalkthroughStep) {
    const where = `docs/getting-started.md:${step.line} (${step.title})`;
    if (step.mode === 'background') {
      const terminal = new BackgroundProcess(step.script, root, env);
      terminals.push(terminal);
      await terminal.waitFor(step.readyText!, STEP_TIMEOUT_MS);
      return;
    }
    if (step.mode === 'until') {
      const deadline = Date.now() + UNTIL_TIMEOUT_MS;
      let last = '';
      while (Date.now() < deadline) {
        const { output, status } = await shell.run(step.script, STEP_TIMEOUT_MS, true);
        last = output;
        if (status === 0 && step.pattern!.test(output)) return;
        await new Promise((resolve) => setTimeout(resolve, 2_000));
      }
      throw new Error(`${where}: never showed ${String(step.pattern)}; last:\n${last}`);
    }
    const { output, status } = await shell.run(step.script, STEP_TIMEOUT_MS);
    if (status !== 0) throw new Error(`${where}: exited ${status}:\n${output}`);
    if (step.pattern && !step.pattern.test(output)) {
      throw new Error(`${where}: shows no ${String(step.pattern)}:\n${output}`);
    }
  }
});
