import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { ApiKeyChanges, ApiKeysRepository, createLogger, hashApiKey } from '@shoal/platform';

export const BOOTSTRAP_KEY = Symbol('BOOTSTRAP_KEY');

/** On a fresh database: the default tenant and its admin key (SHOAL_BOOTSTRAP_KEY, or one generated and shown once). */
@Injectable()
export class BootstrapKeyService implements OnApplicationBootstrap {
  private readonly log = createLogger('BootstrapKeyService');
  /** the generated key, when one was generated in this process (standalone mode prints it) */
  generatedKey: string | undefined;

  constructor(
    @Inject(ApiKeysRepository) private readonly keys: ApiKeysRepository,
    @Inject(BOOTSTRAP_KEY) private readonly bootstrapKey: string | undefined,
    @Inject(ApiKeyChanges) private readonly changes: ApiKeyChanges,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const result = await this.keys.bootstrap(this.bootstrapKey);
    if (!result.created) return;
    // another replica (model-pool's public routes) may have been asked for this key already
    await this.changes.created(hashApiKey(result.key));
    if (result.generated) {
      this.generatedKey = result.key;
      // printed once, on stderr, never into the JSON logs
      process.stderr.write(`\nCreated the default tenant. Its admin API key (shown once, store it now):\n\n  ${result.key}\n\n`);
    } else {
      this.log.info({ tenantId: result.tenantId }, 'created the default tenant with SHOAL_BOOTSTRAP_KEY as its admin key');
    }
  }
}
