import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const script = path.join(__dirname, 'kube-cluster.sh');

/** What kube-cluster.sh writes to <state-dir>/cluster.json. */
export interface KubeCluster {
  stateDir: string;
  kubeconfig: string;
  server: string;
  nodes: string[];
}

/**
 * Starts a real kube-apiserver with etcd, controller-manager, scheduler and kwok fake nodes on
 * loopback (scripts/local-infra/kube-cluster.sh). It stops itself if `watchPid` exits.
 */
export async function startKubeCluster(
  stateDir: string,
  watchPid = process.pid,
): Promise<KubeCluster> {
  try {
    await run('bash', [script, 'start', stateDir], {
      env: { ...process.env, KUBE_CLUSTER_WATCH_PID: String(watchPid) },
      maxBuffer: 10 * 1024 * 1024,
    });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`kube-cluster start failed:\n${stdout}${stderr}`, { cause: error });
  }
  return JSON.parse(readFileSync(path.join(stateDir, 'cluster.json'), 'utf8')) as KubeCluster;
}

export async function stopKubeCluster(stateDir: string): Promise<void> {
  await run('bash', [script, 'stop', stateDir]);
}

/** Restarts one component (e.g. `kube-apiserver`) in place, for fault-injection tests. */
export async function restartKubeComponent(stateDir: string, component: string): Promise<void> {
  await run('bash', [script, 'restart', stateDir, component], { maxBuffer: 10 * 1024 * 1024 });
}
