import { Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per process, served by every module's internal /metrics. */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}
