import type { Registry } from 'prom-client';
import type { Logger } from 'pino';
import type { ModuleName } from '../../config/load';
import type { ReadinessCheck } from '../infra/readiness';
import type { Resources } from '../infra/resources';

/** One of maestro's five modules, as its composition root assembles it. */
export interface Module {
  readonly name: ModuleName;
  /** The dependencies behind this module's /readyz. */
  readonly checks: readonly ReadinessCheck[];
  /** Starts serving; resolves once the module does its job. */
  start(): Promise<void>;
  /** Drains in-flight work and releases what `start` acquired; idempotent. */
  stop(): Promise<void>;
}

export interface ModuleDeps {
  resources: Resources;
  registry: Registry;
  log: Logger;
  /** Reports an unrecoverable failure after start (the process then shuts down and exits 1). */
  fail: (error: unknown) => void;
}
