/** Tells a scheduler's execution worker that its health controller has something to do now. */
export interface HealthNudger {
  /** Resolves once the nudge is delivered; a scheduler with no running workflow is no error. */
  nudge(schedulerName: string): Promise<void>;
}
