/**
 * The workflow bundle shared by maestro's three task queues (operations, runtime watcher, metrics).
 * Each module's worker registers all of them and polls only its own queue.
 */
export { schedulerWorkflow } from './scheduler-workflow';
export { operationWorkflow } from './operation-workflow';
export { runtimeWatcherWorkflow, metricsReporterWorkflow } from './supervision';
