import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON, type History } from '@temporalio/common/lib/proto-utils';

/**
 * Recorded workflow histories, one directory per recording (`<date>-<revision>`), written by
 * `npm run record:histories` and replayed by the unit test `workflow-replay`.
 */
export const FIXTURES_DIR = path.resolve(__dirname, '../fixtures/workflow-histories');

export interface HistoryFixture {
  /** `<recording>/<file>`: names the history in a failure. */
  name: string;
  /** The workflow type the history ran (`schedulerWorkflow`, `operationWorkflow`…). */
  workflowType: string;
  history: History;
}

/** Every recorded history (as `temporal workflow show --output json` wrote it), in order. */
export function loadHistoryFixtures(): HistoryFixture[] {
  return readdirSync(FIXTURES_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .flatMap((recording) =>
      readdirSync(path.join(FIXTURES_DIR, recording))
        .filter((file) => file.endsWith('.json'))
        .sort()
        .map((file) => {
          const json: unknown = JSON.parse(
            readFileSync(path.join(FIXTURES_DIR, recording, file), 'utf8'),
          );
          const history = historyFromJSON(json);
          const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
          return {
            name: `${recording}/${file}`,
            workflowType: started?.workflowType?.name ?? '',
            history,
          };
        }),
    );
}
