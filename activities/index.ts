/**
 * Activities of the operation execution worker, built from their dependencies (ports) by the
 * worker's composition root. Operation executors (execute + rollback) join here as they are written.
 */
export function createActivities() {
  return {};
}

export type Activities = ReturnType<typeof createActivities>;
