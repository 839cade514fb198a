/**
 * One supervisor activity attempt that a process runs: what a peer needs to fail it on that
 * process's behalf once the process is dead (`taskToken` names exactly this attempt, so a token of
 * an attempt that already ended can never fail a newer one).
 */
export interface SupervisorAttempt {
  /** Unique among the attempts of one process (workflow id and activity id). */
  key: string;
  /** The attempt's Temporal task token, base64. */
  taskToken: string;
}

/** A process whose lease expired, claimed by one peer, with the attempts it was running. */
export interface ExpiredProcess {
  processId: string;
  attempts: SupervisorAttempt[];
}

/**
 * Liveness per process, not per scheduler: each supervisor process holds one lease that it renews
 * every few seconds, and records the supervisor attempts it runs under it. Peers look for leases
 * that expired and hand the dead process's attempts back to Temporal. Times are the store's clock,
 * so processes with skewed clocks agree on what expired.
 */
export interface ProcessLeases {
  /**
   * Creates or extends the lease of `processId` to `ttlMs` from now. Returns `false` when the lease
   * had lapsed or was gone (peers may have failed its attempts), `true` when it was still held.
   */
  renew(processId: string, ttlMs: number): Promise<boolean>;
  /** Records that `processId` runs `attempt` (idempotent per `attempt.key`). */
  hold(processId: string, attempt: SupervisorAttempt): Promise<void>;
  /** Forgets an attempt of `processId` that ended. */
  drop(processId: string, key: string): Promise<void>;
  /** Ends the lease of `processId` and forgets its attempts (graceful shutdown, all ended). */
  release(processId: string): Promise<void>;
  /**
   * Claims up to `limit` processes whose lease expired, each for `claimTtlMs`, so one peer at a
   * time handles each; a claim that is not followed by `forget` lapses and another peer retries.
   */
  claimExpired(claimant: string, claimTtlMs: number, limit: number): Promise<ExpiredProcess[]>;
  /**
   * Forgets an expired process and its attempts after its attempts were handed back. Does nothing
   * if the process renewed its lease meanwhile (it was slow, not dead).
   */
  forget(processId: string): Promise<void>;
}

/** Hands an attempt of a dead process back to Temporal, which retries it on a live worker. */
export interface AttemptFailer {
  /**
   * Fails the attempt with a retryable error saying why. Resolves `false` when the attempt had
   * already ended (completed, timed out, failed before): nothing to do.
   */
  failAttempt(attempt: SupervisorAttempt, reason: string): Promise<boolean>;
}

/** A supervisor attempt registered under its process's lease. */
export interface SupervisorHold {
  /** Aborts when the process lost its lease: peers may be handing the attempt over already. */
  lost: AbortSignal;
  /** Unregisters the attempt (it ended). */
  release(): Promise<void>;
}

/** Where a supervisor activity registers the attempt it runs (see `ProcessLiveness`). */
export interface SupervisorRegistry {
  hold(attempt: SupervisorAttempt): Promise<SupervisorHold>;
}
