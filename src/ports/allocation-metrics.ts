/** How a waiting allocation ended (wake on allocate). */
export type AllocationWaitOutcome =
  /** A room turned ready and went to it. */
  | 'served'
  /** Its wait ran out: the caller got today's no-ready-room error. */
  | 'expired'
  /** Its caller went away (connection closed, gRPC call cancelled or past its deadline). */
  | 'gone'
  /** Room storage failed while it waited. */
  | 'failed';

/** The Rooms API's waiting allocations, as they end. */
export interface AllocationWaitMetrics {
  allocationWaited(record: {
    game: string;
    scheduler: string;
    outcome: AllocationWaitOutcome;
    durationMs: number;
  }): void;
}
