import { rmSync } from 'node:fs';
import { stopKubeCluster } from '../../scripts/local-infra/kube-cluster';
import { runServices } from './global-setup';
import { sharedInfra } from './infra';

/** Stops what the global setups started (one module for both projects: jest calls it once). */
export default async function globalTeardown(): Promise<void> {
  const infra = sharedInfra();
  await Promise.all([
    ...runServices().map((service) => service.stop()),
    infra.kubernetes && stopKubeCluster(infra.kubernetes.kubeStateDir),
  ]);
  rmSync(infra.workDir, { recursive: true, force: true });
}
