/**
 * What the Temporal UI says of a scheduler's long-lived workflows: its execution worker and its
 * two supervisors (summary, markdown details, current details). Pure, import-safe for workflows.
 */
import { code, inParentheses, oneLine, prefixed } from '../markdown';

/** Summary of a scheduler's execution worker (workflow `scheduler:<name>`). */
export function schedulerWorkflowSummary(schedulerName: string, game?: string): string {
  return oneLine(
    `scheduler ${schedulerName}: execution worker${inParentheses(prefixed('game', game))}`,
  );
}

/** Details of a scheduler's execution worker: where to find its operations. */
export function schedulerWorkflowDetails(schedulerName: string, game?: string): string {
  return [
    `- **scheduler**: ${code(schedulerName)}`,
    ...(game ? [`- **game**: ${code(game)}`] : []),
    '- runs the scheduler’s operations one at a time, each as a child workflow whose id is the operation id',
    `- its operations: ${code(`WorkflowType = "operationWorkflow" AND MaestroScheduler = "${schedulerName}"`)}`,
  ].join('\n');
}

/**
 * A long-lived workflow's current details (the Temporal UI's "Current Details", answered by its
 * worker): its summary in bold, then its details. Static user metadata is given when a workflow
 * is started and is not carried over continue-as-new; these are set again by every run.
 */
export function currentDetails(summary: string, details: string): string {
  return `**${summary}**\n\n${details}`;
}

/** The two supervisors every scheduler has, besides its execution worker. */
export const SupervisorRole = {
  RUNTIME_WATCHER: 'runtime watcher',
  METRICS_REPORTER: 'metrics reporter',
} as const;
export type SupervisorRole = (typeof SupervisorRole)[keyof typeof SupervisorRole];

/** Summary of a scheduler's supervisor, e.g. `runtime watcher of scheduler arena-eu`. */
export function supervisorSummary(role: SupervisorRole, schedulerName: string): string {
  return `${role} of scheduler ${schedulerName}`;
}

const SUPERVISOR_DUTIES: { [R in SupervisorRole]: string } = {
  'runtime watcher':
    'follows the runtime’s room events into room storage, resyncs periodically, keeps the disruption budget and nudges the health controller',
  'metrics reporter': 'refreshes the scheduler’s gauges on the metrics reporter’s `/metrics`',
};

/** Details of a scheduler's supervisor: what it does and whose child it is. */
export function supervisorDetails(role: SupervisorRole, schedulerName: string): string {
  return [
    `- **scheduler**: ${code(schedulerName)} (child of ${code(`scheduler:${schedulerName}`)})`,
    `- ${SUPERVISOR_DUTIES[role]}`,
    '- one long-running heartbeating activity, run again each day',
  ].join('\n');
}
