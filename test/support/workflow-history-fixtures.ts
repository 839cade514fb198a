import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Recorded workflow histories, one directory per recording (`<date>-<revision>`), written by
 * `npm run record:histories` and replayed by the unit test `workflow-replay`.
 */
export const FIXTURES_DIR = path.resolve(__dirname, '../fixtures/workflow-histories');

export interface HistoryFixture {
  /** `<recording>/<file>`: names the history in a failure. */
  name: string;
  /** The workflow type recorded (`schedulerWorkflow`, `operationWorkflow`…). */
  workflowType: string;
  /** The history as `historyToJSON` wrote it. */
  history: unknown;
}

/** Every recorded history, in recording order. */
export function loadHistoryFixtures(): HistoryFixture[] {
  return readdirSync(FIXTURES_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .flatMap((recording) =>
      readdirSync(path.join(FIXTURES_DIR, recording))
        .filter((file) => file.endsWith('.json'))
        .sort()
        .map((file) => ({
          name: `${recording}/${file}`,
          workflowType: file.split('--')[1] ?? '',
          history: JSON.parse(
            readFileSync(path.join(FIXTURES_DIR, recording, file), 'utf8'),
          ) as unknown,
        })),
    );
}
