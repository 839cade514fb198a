/**
 * How a supervisor's work (a scheduler's runtime watch, its metrics reporter) ended: it found its
 * scheduler gone, or it was told to stop (its run is up, it was canceled, its process lost its
 * lease). `activities/supervision.ts` turns it into the activity's `SupervisionOutcome`.
 */
export type SupervisedWorkOutcome = 'scheduler_deleted' | 'stopped';
