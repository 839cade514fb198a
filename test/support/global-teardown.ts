import { rmSync } from 'node:fs';
import type { ServiceProcess } from '../../scripts/local-infra/process';
import { stopKubeCluster } from '../../scripts/local-infra/kube-cluster';
import { sharedInfra } from './infra';

export default async function globalTeardown(): Promise<void> {
  const processes = (globalThis as { itProcesses?: ServiceProcess[] }).itProcesses ?? [];
  const infra = sharedInfra();
  await Promise.all([
    ...processes.map((service) => service.stop()),
    stopKubeCluster(infra.kubeStateDir),
  ]);
  rmSync(infra.workDir, { recursive: true, force: true });
}
