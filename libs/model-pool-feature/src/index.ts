// @shoal/model-pool-feature — model-pool's Nest module: routing every LLM call across deployments, metering it.
export { ModelPoolModule, HEALTH_STORE, type ModelPoolOptions } from './model-pool.module';
export { RedisHealthStore, type RedisHealthStoreOptions } from './health/redis.health-store';
export { readDeploymentFile } from './deployment-file.reader';
export { type ProviderFetch } from './pool/provider-http.client';
