import { KubeConfig, PolicyV1Api } from '@kubernetes/client-node';
import { describeHealthScenarios } from '../support/health-scenarios';
import { kubernetesInfra } from '../support/infra';

describeHealthScenarios('kubernetes', {
  /** The scheduler's PodDisruptionBudget, as the runtime watcher keeps it. */
  readDisruptionBudget: async (scheduler) => {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(kubernetesInfra().kubeconfig);
    const budget = await kubeConfig
      .makeApiClient(PolicyV1Api)
      .readNamespacedPodDisruptionBudget({ name: scheduler, namespace: scheduler });
    return Number(budget.spec?.minAvailable);
  },
});
