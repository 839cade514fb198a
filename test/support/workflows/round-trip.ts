import { proxyActivities } from '@temporalio/workflow';
import type { RoundTripActivities } from '../round-trip-activities';

const { roundTrip } = proxyActivities<RoundTripActivities>({ startToCloseTimeout: '30s' });

/** Test workflow: one activity that writes and reads PostgreSQL and Redis. */
export async function roundTripWorkflow(input: { scheduler: string; game: string }) {
  return roundTrip(input);
}
