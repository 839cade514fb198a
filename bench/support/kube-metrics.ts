import { readFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import type { KubeCluster } from '../../scripts/local-infra/kube-cluster';

/** What kube-cluster.sh writes to <state-dir>/cluster.json besides `KubeCluster`. */
interface ClusterAccess {
  server: string;
  token: string;
  caFile: string;
}

/** Requests the API server has served, by `<verb> <resource>[/<subresource>]`. */
export type RequestCounts = Record<string, number>;

/** What the API server counted so far (its /metrics), each by `<verb> <resource>` or resource. */
export interface ApiserverCounters {
  /** `apiserver_request_total`, summed over response codes, groups and scopes. */
  requests: RequestCounts;
  /**
   * `apiserver_terminated_watchers_total`: watches the API server closed because their client
   * did not read its events fast enough (the client then relists).
   */
  terminatedWatchers: RequestCounts;
}

/**
 * The API server's own counters from GET /metrics. They count every client of the cluster alike
 * (maestro, kube-scheduler, controller-manager, kwok): the metrics have no client label.
 */
export async function apiserverCounters(cluster: KubeCluster): Promise<ApiserverCounters> {
  const access = JSON.parse(
    readFileSync(path.join(cluster.stateDir, 'cluster.json'), 'utf8'),
  ) as ClusterAccess;
  const text = await get(`${access.server}/metrics`, access);
  const counters: ApiserverCounters = { requests: {}, terminatedWatchers: {} };
  for (const line of text.split('\n')) {
    const [, metric] = /^(\w+)\{/.exec(line) ?? [];
    if (metric !== 'apiserver_request_total' && metric !== 'apiserver_terminated_watchers_total')
      continue;
    const labels: Record<string, string> = {};
    for (const [, name, value] of line.matchAll(/(\w+)="([^"]*)"/g)) labels[name!] = value!;
    const resource = labels['subresource']
      ? `${labels['resource']}/${labels['subresource']}`
      : labels['resource'] || '(none)';
    const [counts, key] =
      metric === 'apiserver_request_total'
        ? [counters.requests, `${labels['verb']} ${resource}`]
        : [counters.terminatedWatchers, resource];
    counts[key] = (counts[key] ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return counters;
}

/** `after − before`, keeping only what changed, largest first. */
export function requestsBetween(before: RequestCounts, after: RequestCounts): RequestCounts {
  return Object.fromEntries(
    Object.entries(after)
      .map(([key, count]) => [key, count - (before[key] ?? 0)] as const)
      .filter(([, count]) => count > 0)
      .sort((a, b) => b[1] - a[1]),
  );
}

export const totalOf = (counts: RequestCounts) =>
  Object.values(counts).reduce((sum, count) => sum + count, 0);

function get(url: string, access: ClusterAccess): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = https.get(
      url,
      { ca: readFileSync(access.caFile), headers: { authorization: `Bearer ${access.token}` } },
      (response) => {
        let body = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        response.on('end', () =>
          response.statusCode === 200
            ? resolve(body)
            : reject(new Error(`GET ${url}: HTTP ${response.statusCode}`)),
        );
      },
    );
    request.on('error', reject);
  });
}
