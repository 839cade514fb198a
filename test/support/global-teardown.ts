import { rmSync } from 'node:fs';
import type { ServiceProcess } from '../../scripts/local-infra/process';
import { sharedInfra } from './infra';

export default async function globalTeardown(): Promise<void> {
  const processes = (globalThis as { itProcesses?: ServiceProcess[] }).itProcesses ?? [];
  await Promise.all(processes.map((service) => service.stop()));
  rmSync(sharedInfra().workDir, { recursive: true, force: true });
}
