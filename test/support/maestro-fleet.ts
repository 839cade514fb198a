import { hostname } from 'node:os';
import { freePort } from '../../scripts/local-infra/paths';
import type { ModuleName } from '../../src/config/load';
import {
  INTERNAL_PORT_VARIABLE,
  runMaestro,
  waitFor,
  type MaestroProcess,
} from './maestro-process';

/** One `maestro start <modules…>` process of a fleet, with its internal ports by module. */
export interface FleetProcess extends MaestroProcess {
  modules: readonly ModuleName[];
  internalPorts: Partial<Record<ModuleName, number>>;
  /** The Temporal worker identity the SDK gives this process (`pid@hostname`). */
  identity: string;
}

/**
 * Several maestro processes on one Temporal, PostgreSQL and Redis, as a deployment scales a module
 * out: each runs the given modules on its own internal ports and stops with the fleet.
 */
export class MaestroFleet {
  readonly processes: FleetProcess[] = [];

  constructor(private readonly environment: Record<string, string>) {}

  async start(modules: readonly ModuleName[], env: Record<string, string> = {}) {
    const internalPorts: Partial<Record<ModuleName, number>> = {};
    const portEnv: Record<string, string> = {};
    for (const module of modules) {
      internalPorts[module] = await freePort();
      portEnv[INTERNAL_PORT_VARIABLE[module]] = String(internalPorts[module]);
    }
    const maestro = runMaestro(['start', ...modules], {
      ...this.environment,
      MAESTRO_LOG_LEVEL: 'warn',
      ...portEnv,
      ...env,
    });
    const member = {
      ...maestro,
      modules,
      internalPorts,
      identity: `${maestro.child.pid}@${hostname()}`,
    };
    this.processes.push(member);
    await waitUntilReady(member);
    return member;
  }

  /** SIGKILL: no drain, no lease released, as when a node dies. */
  async kill(member: FleetProcess): Promise<void> {
    member.child.kill('SIGKILL');
    await member.exited;
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.processes.map(async (member) => {
        if (member.child.exitCode === null && member.child.signalCode === null) {
          member.child.kill('SIGTERM');
          await member.exited;
        }
      }),
    );
  }
}

async function waitUntilReady(member: FleetProcess): Promise<void> {
  const ports = Object.values(member.internalPorts);
  const isReady = await waitFor(
    async () => {
      const answers = await Promise.all(
        ports.map((port) =>
          fetch(`http://127.0.0.1:${port}/readyz`).then(
            (r) => r.status,
            () => 0,
          ),
        ),
      );
      return answers.every((status) => status === 200);
    },
    (ready) => ready,
    60_000,
  );
  if (!isReady)
    throw new Error(`maestro ${member.modules.join(',')} not ready:\n${member.output()}`);
}

/** The value of a gauge sample with these labels on a module's /metrics, 0 when absent. */
export async function gaugeOf(
  member: FleetProcess,
  module: ModuleName,
  sample: string,
): Promise<number> {
  const port = member.internalPorts[module];
  const text = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text());
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
  return line ? Number(line.slice(sample.length + 1)) : 0;
}
