// @shoal/workflow-engine-feature — the workflow engine's Nest module: queue processor, run execution, checkpoints.
export { EngineModule } from './engine.module';
export type { EngineOptions } from './runs/execute-run.use-case';
export { DEFAULT_RUN_DURABILITY, type RunDurabilityOptions } from './runs/run-durability.options';
