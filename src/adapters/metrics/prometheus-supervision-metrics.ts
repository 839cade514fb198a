import { Gauge, type Registry } from 'prom-client';

/**
 * `maestro_supervised_schedulers{module}` and `maestro_supervision_slots{module}`: the supervisors a
 * runtime-watcher or metrics-reporter process runs, and how many it can (see `SupervisionSlots`).
 * Returns the reporter for one module; modules of one process share the registry.
 */
export function supervisionGauges(
  registry: Registry,
  module: string,
): (inUse: number, capacity: number) => void {
  const inUse = gaugeOf(
    registry,
    'maestro_supervised_schedulers',
    'Schedulers whose supervisor (runtime watcher or metrics reporter) runs in this process.',
  );
  const slots = gaugeOf(
    registry,
    'maestro_supervision_slots',
    'Supervisors this process can run at once (MAESTRO_SUPERVISION_SCHEDULERS_PER_PROCESS).',
  );
  return (current, capacity) => {
    inUse.set({ module }, current);
    slots.set({ module }, capacity);
  };
}

function gaugeOf(registry: Registry, name: string, help: string): Gauge {
  return (
    (registry.getSingleMetric(name) as Gauge | undefined) ??
    new Gauge({ name, help, labelNames: ['module'], registers: [registry] })
  );
}
