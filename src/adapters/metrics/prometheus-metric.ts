import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/**
 * The registry's metric `name`, created on first use: several modules of one process
 * (`maestro start all`, tests) share one registry, and so its metrics.
 */
export function sharedCounter(
  registry: Registry,
  name: string,
  help: string,
  labelNames: string[],
) {
  return (
    (registry.getSingleMetric(name) as Counter | undefined) ??
    new Counter({ name, help, labelNames, registers: [registry] })
  );
}

/** See `sharedCounter`. */
export function sharedGauge(registry: Registry, name: string, help: string, labelNames: string[]) {
  return (
    (registry.getSingleMetric(name) as Gauge | undefined) ??
    new Gauge({ name, help, labelNames, registers: [registry] })
  );
}

/** See `sharedCounter`. */
export function sharedHistogram(
  registry: Registry,
  name: string,
  help: string,
  labelNames: string[],
  buckets: number[],
) {
  return (
    (registry.getSingleMetric(name) as Histogram | undefined) ??
    new Histogram({ name, help, labelNames, buckets, registers: [registry] })
  );
}
