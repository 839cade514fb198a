import type { GameRoomLogger } from './rooms-api';

export interface ShutdownSettings {
  /**
   * The whole shutdown (terminating ping, `onShutdown`) gets this long before the process exits
   * anyway, with code 1; default 10000. Keep it under the scheduler's termination grace period,
   * after which maestro kills the room.
   */
  gracePeriodMs: number;
  /** Your cleanup (save state, close sockets), after the terminating ping. */
  onShutdown?: (reason: string) => void | Promise<void>;
  /** Ends the process; default `process.exit`. */
  exit: (code: number) => void;
}

/** The room's side of a shutdown. */
export interface ShutdownSteps {
  started(): void;
  setTerminating(): void;
  reportTerminating(): Promise<unknown>;
  stop(): Promise<void>;
}

type Ending = 'clean' | 'hook failed' | 'failed' | 'grace period over';

/**
 * Reports `terminating`, stops pinging, runs the hook and exits: 0 when all of it finished within
 * the grace period, 1 when something threw or the grace period ran out (then at that moment,
 * whatever is still running). It always reaches `exit`.
 */
export async function runShutdown(
  reason: string,
  settings: ShutdownSettings,
  log: GameRoomLogger,
  steps: ShutdownSteps,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<Ending>((resolve) => {
    timer = setTimeout(() => resolve('grace period over'), settings.gracePeriodMs);
  });
  steps.started();
  log.info('shutting down', { reason, gracePeriodMs: settings.gracePeriodMs });
  const left = leave(reason, settings, log, steps).catch((error: unknown): Ending => {
    log.warn('shutdown failed', { reason, error: String(error) });
    return 'failed';
  });
  const ending = await Promise.race([left, graceOver]);
  clearTimeout(timer);
  if (ending === 'grace period over') {
    log.warn('shutdown grace period over, exiting', { gracePeriodMs: settings.gracePeriodMs });
  }
  settings.exit(ending === 'clean' ? 0 : 1);
}

async function leave(
  reason: string,
  settings: ShutdownSettings,
  log: GameRoomLogger,
  steps: ShutdownSteps,
): Promise<Ending> {
  steps.setTerminating();
  await steps.reportTerminating();
  await steps.stop();
  try {
    await settings.onShutdown?.(reason);
    return 'clean';
  } catch (error) {
    log.warn('shutdown hook failed', { reason, error: String(error) });
    return 'hook failed';
  }
}
