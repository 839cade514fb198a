import {
  PatchStrategy,
  setHeaderOptions,
  type V1PodDisruptionBudget,
} from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { DomainError, ErrorCode } from '../../../domain/errors';
import type { KubeClient } from './kube-client';
import { PodLabel } from './pod-builder';

/** Marks the objects maestro manages besides pods. */
export const MANAGED_BY_LABEL = { 'app.kubernetes.io/managed-by': 'maestro' } as const;

/**
 * A scheduler's space on Kubernetes: a namespace named after it, holding its pods and a
 * PodDisruptionBudget of the same name over them. Every step is idempotent.
 */
export class SchedulerSpace {
  constructor(
    private readonly client: KubeClient,
    private readonly log: Logger,
  ) {}

  /**
   * Creates the namespace and the budget (`minAvailable: 0`). An existing namespace is success
   * (Maestro fails instead), unless it is still being deleted: then the error is UNAVAILABLE, so
   * that a retry later recreates it.
   */
  async create(scheduler: string): Promise<void> {
    await this.createNamespace(scheduler);
    await this.createBudget(scheduler, 0);
  }

  /** Deletes the budget and the namespace (which takes its pods along); missing ones are fine. */
  async delete(scheduler: string): Promise<void> {
    const { client } = this;
    await client.request('delete disruption budget', (options) =>
      client.policy.deleteNamespacedPodDisruptionBudget(
        { name: scheduler, namespace: scheduler },
        options,
      ),
    );
    await client.request('delete namespace', (options) =>
      client.core.deleteNamespace({ name: scheduler }, options),
    );
    this.log.info({ scheduler }, 'scheduler namespace deleting');
  }

  /** Sets the budget's `minAvailable`, creating the budget when it is missing. */
  async setMinAvailable(scheduler: string, minAvailable: number): Promise<void> {
    const { client } = this;
    const patched = await client.request('patch disruption budget', (options) =>
      client.policy.patchNamespacedPodDisruptionBudget(
        { name: scheduler, namespace: scheduler, body: { spec: { minAvailable } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch, options),
      ),
    );
    if (patched.outcome === 'not_found') await this.createBudget(scheduler, minAvailable);
  }

  private async createNamespace(scheduler: string) {
    const { client } = this;
    const created = await client.request('create namespace', (options) =>
      client.core.createNamespace({ body: { metadata: { name: scheduler } } }, options),
    );
    if (created.outcome !== 'already_exists') return;
    const existing = await client.request('read namespace', (options) =>
      client.core.readNamespace({ name: scheduler }, options),
    );
    if (existing.outcome === 'ok' && existing.value.status?.phase === 'Terminating') {
      throw new DomainError(
        ErrorCode.UNAVAILABLE,
        `namespace ${scheduler} is still being deleted; retry once it is gone`,
      );
    }
  }

  private async createBudget(scheduler: string, minAvailable: number) {
    const { client } = this;
    const budget: V1PodDisruptionBudget = {
      metadata: { name: scheduler, namespace: scheduler, labels: { ...MANAGED_BY_LABEL } },
      spec: { minAvailable, selector: { matchLabels: { [PodLabel.SCHEDULER]: scheduler } } },
    };
    const created = await client.request('create disruption budget', (options) =>
      client.policy.createNamespacedPodDisruptionBudget(
        { namespace: scheduler, body: budget },
        options,
      ),
    );
    if (created.outcome === 'not_found') {
      throw new DomainError(ErrorCode.NOT_FOUND, `namespace ${scheduler} does not exist`);
    }
  }
}
