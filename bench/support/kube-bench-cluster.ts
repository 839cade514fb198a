import path from 'node:path';
import {
  startKubeCluster,
  stopKubeCluster,
  type KubeCluster,
} from '../../scripts/local-infra/kube-cluster';

/**
 * kube-scheduler's client rate limit (`--kube-api-qps`/`--kube-api-burst`): it binds every pod
 * with one request, so it paces any scale-up. Production clusters that start many pods raise it;
 * the benchmarks raise it too unless `BENCH_KUBE_SCHEDULER_QPS=default` keeps kube-scheduler's own
 * 50/100. `undefined` when the cluster keeps its defaults.
 */
export const kubeSchedulerClient =
  (process.env['BENCH_KUBE_SCHEDULER_QPS'] ?? '500') === 'default'
    ? undefined
    : {
        qps: Number(process.env['BENCH_KUBE_SCHEDULER_QPS'] ?? '500'),
        burst: Number(process.env['BENCH_KUBE_SCHEDULER_BURST'] ?? '1000'),
      };

/**
 * A benchmark's private cluster in `dir`/kube (kube-scheduler's client limit as above); its stop
 * is added to `cleanups`.
 */
export async function startBenchCluster(
  dir: string,
  cleanups: Array<() => Promise<unknown>>,
): Promise<KubeCluster> {
  if (kubeSchedulerClient) {
    process.env['KUBE_SCHEDULER_QPS'] = String(kubeSchedulerClient.qps);
    process.env['KUBE_SCHEDULER_BURST'] = String(kubeSchedulerClient.burst);
  }
  const cluster = await startKubeCluster(path.join(dir, 'kube'));
  cleanups.push(() => stopKubeCluster(cluster.stateDir));
  return cluster;
}
