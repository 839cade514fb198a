import { sharedInfra } from './infra';
import { publish, startSharedInfra, withKubernetes } from './global-setup';

/**
 * The platform project's global setup (test/k8s, test/compose): the integration project's
 * services plus the run's Kubernetes API server, started only by runs that include these tests.
 */
export default async function globalSetupPlatform(): Promise<void> {
  const infra = process.env['IT_INFRA'] ? sharedInfra() : await startSharedInfra();
  publish(await withKubernetes(infra));
}
