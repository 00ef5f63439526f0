// @shoal/model-pool-feature — model-pool's Nest module: routing every LLM call across deployments, metering it.
export { ModelPoolModule, type ModelPoolOptions } from './model-pool.module';
export { readDeploymentFile } from './deployment-file.reader';
export { type ProviderFetch } from './pool/provider-http.client';
