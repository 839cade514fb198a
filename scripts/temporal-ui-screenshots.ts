/**
 * `npm run docs:screenshots`: the screenshots of docs/temporal-ui.md, taken from a running
 * `npm run dev` stack. Creates a demo scheduler through the Management API, runs a few
 * operations on it, photographs the Temporal Web UI with a headless Chromium, then deletes the
 * scheduler (`--keep` leaves it). Ports come from the configuration `npm run dev` uses (the same
 * MAESTRO_* variables); the Chromium binary is /usr/bin/chromium, or MAESTRO_DEV_CHROMIUM.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ManagementClient } from '@maestro/management-client';
import { loadConfig, type Config } from '../src/config/load';
import { maestroEnvironment } from './dev-environment';
import { deleteEarlierDemos, runDemoScheduler } from './docs-screenshots/demo-scheduler';
import { captureTemporalUi } from './docs-screenshots/temporal-ui-capture';

const outputDir = path.resolve(__dirname, '../docs/images');
/** A deletion stops the rooms (10 s grace period each) before the scheduler goes. */
const DELETION_TIMEOUT_MS = 120_000;
const say = (message: string) => console.log(`[screenshots] ${message}`);

async function main() {
  const isKeeping = parseArguments(process.argv.slice(2));
  const config = loadConfig(maestroEnvironment());
  const uiUrl = temporalUiUrl(config);
  await assertAnswers(`${uiUrl}/`, 'the Temporal Web UI (is npm run dev running?)');
  const client = new ManagementClient({
    server: `http://127.0.0.1:${config.managementApi.port}`,
  });
  await deleteEarlierDemos(client, say);
  const demo = await runDemoScheduler(client, say);
  mkdirSync(outputDir, { recursive: true });
  try {
    await captureTemporalUi(demo, {
      uiUrl,
      namespace: config.temporal.namespace,
      executablePath: process.env['MAESTRO_DEV_CHROMIUM'] || '/usr/bin/chromium',
      outputDir,
      say,
    });
  } finally {
    if (isKeeping) say(`kept scheduler ${demo.name} (--keep)`);
    else await deleteDemo(client, demo.name);
  }
}

function parseArguments(args: readonly string[]): boolean {
  const unknown = args.filter((arg) => arg !== '--keep');
  if (unknown.length > 0) {
    throw new Error(`unknown argument ${unknown.join(' ')}: docs:screenshots takes --keep`);
  }
  return args.includes('--keep');
}

/** Where `npm run dev` serves the UI of the Temporal dev server it starts: its port + 1000. */
function temporalUiUrl(config: Config): string {
  const port = Number(config.temporal.address.split(':')[1]);
  return `http://127.0.0.1:${port + 1000}`;
}

async function assertAnswers(url: string, what: string) {
  try {
    await fetch(url, { signal: AbortSignal.timeout(5_000) });
  } catch (error) {
    throw new Error(`no answer from ${what} at ${url}`, { cause: error });
  }
}

/** Deletes the demo scheduler and waits until it is gone, its rooms stopped. */
async function deleteDemo(client: ManagementClient, name: string) {
  const { operationId } = await client.deleteScheduler(name);
  say(`deleting scheduler ${name} (operation ${operationId})`);
  const deadline = Date.now() + DELETION_TIMEOUT_MS;
  while (await client.findScheduler(name)) {
    if (Date.now() > deadline) throw new Error(`${name} is still there after its deletion`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  say(`deleted scheduler ${name}`);
}

main().catch((error: unknown) => {
  console.error(`[screenshots] failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
