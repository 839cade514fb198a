/**
 * Screenshots of the Temporal Web UI showing what maestro tells it: the workflow list of one
 * scheduler, and the User Metadata tabs of an operation and of the scheduler workflow. A headless
 * Chromium (Debian's, driven by playwright-core: no browser download) waits for the texts it shows
 * to render, never for a fixed time. The local-storage key and the frame order below are those of
 * Temporal UI 2.42.1 (Temporal CLI 1.5.1): a newer UI may need them changed.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import type { DemoScheduler } from './demo-scheduler';

export interface CaptureOptions {
  /** The Temporal Web UI: `http://127.0.0.1:8233`. */
  uiUrl: string;
  namespace: string;
  /** The Chromium binary: `/usr/bin/chromium`. */
  executablePath: string;
  /** Where the PNG files go (docs/images). */
  outputDir: string;
  say: (message: string) => void;
}

const VIEWPORT = { width: 1400, height: 900 };
const RENDER_TIMEOUT_MS = 30_000;

/**
 * The list's columns (the UI's "Configure Columns", kept in the browser's local storage): the
 * usual ones plus maestro's search attributes.
 */
const LIST_COLUMNS = [
  { label: 'Status', pinned: true },
  { label: 'Workflow ID', pinned: true },
  { label: 'MaestroOperationDefinition', pinned: false },
  { label: 'MaestroOperationStatus', pinned: false },
  { label: 'MaestroActor', pinned: false },
];

/** A script run before each page loads: sets the list's columns where the UI keeps them. */
function listColumnsScript(namespace: string): string {
  const value = JSON.stringify({ [namespace]: LIST_COLUMNS });
  return `localStorage.setItem('namespace-workflow-table-columns', ${JSON.stringify(value)});`;
}

/** Takes the screenshots; returns the files written. */
export async function captureTemporalUi(
  demo: DemoScheduler,
  options: CaptureOptions,
): Promise<string[]> {
  const browser = await chromium.launch({ executablePath: options.executablePath });
  try {
    const context = await browser.newContext({ viewport: VIEWPORT });
    await context.addInitScript(listColumnsScript(options.namespace));
    const page = await context.newPage();
    page.setDefaultTimeout(RENDER_TIMEOUT_MS);
    return [
      await captureList(page, demo, options),
      await captureOperation(page, demo, options),
      await captureScheduler(page, demo, options),
    ];
  } finally {
    await browser.close();
  }
}

/** The scheduler's workflows, filtered by its `MaestroScheduler` search attribute. */
async function captureList(page: Page, demo: DemoScheduler, options: CaptureOptions) {
  const query = `MaestroScheduler = "${demo.name}"`;
  await page.goto(`${namespaceUrl(options)}/workflows?query=${encodeURIComponent(query)}`);
  await page.getByRole('button', { name: 'Collapse saved views' }).click();
  await page.getByText(`scheduler:${demo.name}`, { exact: true }).waitFor();
  for (const operation of demo.operations) {
    await page.getByText(operation.id, { exact: true }).waitFor();
  }
  return screenshot(page, 'temporal-ui-workflows.png', options);
}

/** The user metadata of the demo's last `add_rooms` (the rooms its new version added). */
async function captureOperation(page: Page, demo: DemoScheduler, options: CaptureOptions) {
  const operation = demo.operations.findLast((o) => o.definitionName === 'add_rooms');
  if (!operation) throw new Error(`${demo.name} ran no add_rooms operation`);
  await openUserMetadata(page, operation.id, options);
  await markdown(page, MarkdownBox.Summary).getByText(`→ scheduler ${demo.name}`).waitFor();
  await markdown(page, MarkdownBox.Details).getByText(operation.id).waitFor();
  return screenshot(page, 'temporal-ui-operation.png', options);
}

/**
 * The scheduler workflow's user metadata, scrolled down to its last child: its summary, details
 * and current details, and the summary of each child it started.
 */
async function captureScheduler(page: Page, demo: DemoScheduler, options: CaptureOptions) {
  await openUserMetadata(page, `scheduler:${demo.name}`, options);
  const worker = `scheduler ${demo.name}: execution worker`;
  await markdown(page, MarkdownBox.Summary).getByText(worker).waitFor();
  await markdown(page, MarkdownBox.CurrentDetails).getByText(worker).waitFor();
  const children = demo.operations.length + 2; // the operations, the watcher and the reporter
  const lastChild = page.getByText('Child Workflow', { exact: true }).nth(children - 1);
  await lastChild.scrollIntoViewIfNeeded();
  return screenshot(page, 'temporal-ui-scheduler.png', options);
}

/** Opens a workflow's page from the list, as a user does (a click on its id), at User Metadata. */
async function openUserMetadata(page: Page, workflowId: string, options: CaptureOptions) {
  const query = `WorkflowId = "${workflowId}"`;
  await page.goto(`${namespaceUrl(options)}/workflows?query=${encodeURIComponent(query)}`);
  await page.getByRole('link', { name: workflowId, exact: true }).first().click();
  await page.getByText('User Metadata', { exact: true }).click();
  await page.waitForURL(/\/user-metadata$/);
}

/** The UI renders each markdown text in a frame of its own, in this order. */
const MarkdownBox = { Summary: 0, Details: 1, CurrentDetails: 2 } as const;
type MarkdownBox = (typeof MarkdownBox)[keyof typeof MarkdownBox];

function markdown(page: Page, box: MarkdownBox) {
  return page.locator('iframe[title="output"]').nth(box).contentFrame();
}

async function screenshot(page: Page, file: string, options: CaptureOptions) {
  const target = path.join(options.outputDir, file);
  await page.screenshot({ path: target });
  options.say(`wrote ${path.relative(process.cwd(), target)} (${kilobytes(target)} KB)`);
  return target;
}

function namespaceUrl(options: CaptureOptions) {
  return `${options.uiUrl}/namespaces/${encodeURIComponent(options.namespace)}`;
}

const kilobytes = (file: string) => Math.round(statSync(file).size / 1024);
