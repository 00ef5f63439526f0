// The re-encryption pass of a key rotation: every sealed value not sealed by the current
// SHOAL_SECRET_KEY is opened (with a key of SHOAL_SECRET_KEY_PREVIOUS) and sealed again under the
// current one, page by page, each row compare-and-set so a concurrent update is never overwritten.
// Targets are a list (provider credentials, workflows' secret variables, MCP servers' headers), so a
// new store of secrets joins the pass by adding one.
import { Inject, Injectable } from '@nestjs/common';
import {
  ApiError,
  McpServersRepository,
  PoolCredentialsRepository,
  SecretBox,
  createLogger,
  credentialOwner,
  mcpHeadersOwner,
  resealWorkflowSecrets,
} from '@shoal/platform';
import { WorkflowSecretsRepository } from '../workflows/workflow-secrets.repository';
import { SECRET_BOX } from '../workflows/workflow-limits';

export interface ResealOutcome {
  target: string;
  /** resealed under the current key */
  resealed: number;
  /** already under the current key */
  current: number;
  /** does not open with any configured key (left as it is; its owner must enter it again) */
  failed: string[];
}

/** One store of sealed values the pass walks. */
export interface ResealTarget {
  readonly name: string;
  reseal(box: SecretBox): Promise<ResealOutcome>;
}

const PAGE = 200;

/** A store of one sealed value per row, as the single-value target walks it. */
interface SealedRows {
  sealedPage(afterId: string | null, limit: number): Promise<Array<{ id: string; tenantId: string | null; sealed: string }>>;
  /** Replaces the value if it is still `expected` (compare-and-set); true when replaced. */
  reseal(id: string, expected: string, sealed: string): Promise<boolean>;
}

/** A store of one sealed value per row, each bound to an owner derived from the row. */
export class SealedValueResealTarget implements ResealTarget {
  constructor(
    readonly name: string,
    private readonly rows: SealedRows,
    private readonly ownerOf: (row: { id: string; tenantId: string | null }) => string,
  ) {}

  async reseal(box: SecretBox): Promise<ResealOutcome> {
    const out: ResealOutcome = { target: this.name, resealed: 0, current: 0, failed: [] };
    let after: string | null = null;
    for (;;) {
      const page = await this.rows.sealedPage(after, PAGE);
      for (const row of page) {
        if (!box.needsReseal(row.sealed)) {
          out.current++;
          continue;
        }
        const owner = this.ownerOf(row);
        let plaintext: string;
        try {
          plaintext = box.open(row.sealed, owner);
        } catch {
          out.failed.push(row.id);
          continue;
        }
        // a row changed since it was read keeps its newer value (sealed under the current key by that write)
        if (await this.rows.reseal(row.id, row.sealed, box.seal(plaintext, owner))) out.resealed++;
        else out.current++;
      }
      if (page.length < PAGE) return out;
      after = page[page.length - 1].id;
    }
  }
}

/** Workflows' secret environment variables (`workflow_versions.graph`). */
export class WorkflowSecretsResealTarget implements ResealTarget {
  readonly name = 'workflow_secret_variables';
  constructor(private readonly versions: WorkflowSecretsRepository) {}

  async reseal(box: SecretBox): Promise<ResealOutcome> {
    const out: ResealOutcome = { target: this.name, resealed: 0, current: 0, failed: [] };
    let after: string | null = null;
    for (;;) {
      const page = await this.versions.sealedPage(after, PAGE);
      for (const v of page) {
        const { graph, resealed, failed } = resealWorkflowSecrets(v.graph as object, v.tenantId, box);
        out.failed.push(...failed.map((name) => `${v.id}:${name}`));
        if (resealed === 0) out.current++;
        else if (await this.versions.reseal(v.id, v.checksum, graph)) out.resealed += resealed;
      }
      if (page.length < PAGE) return out;
      after = page[page.length - 1].id;
    }
  }
}

@Injectable()
export class SecretRotationService {
  private readonly log = createLogger('SecretRotationService');
  private readonly targets: ResealTarget[];

  constructor(
    @Inject(PoolCredentialsRepository) credentials: PoolCredentialsRepository,
    @Inject(WorkflowSecretsRepository) workflows: WorkflowSecretsRepository,
    @Inject(McpServersRepository) mcpServers: McpServersRepository,
    @Inject(SECRET_BOX) private readonly box: SecretBox | null,
  ) {
    this.targets = [
      // provider credentials (`provider_credentials.sealed`), their key id and rotation time kept with them
      new SealedValueResealTarget(
        'provider_credentials',
        {
          sealedPage: (after, limit) => credentials.sealedPage(after, limit),
          reseal: (id, expected, sealed) => credentials.reseal(id, expected, sealed, this.box?.keyId ?? '', new Date()),
        },
        (row) => credentialOwner(row.tenantId, row.id),
      ),
      new WorkflowSecretsResealTarget(workflows),
      // MCP servers' request headers (`mcp_servers.sealed_headers`), always a tenant's
      new SealedValueResealTarget('mcp_server_headers', mcpServers, (row) => mcpHeadersOwner(row.tenantId ?? '', row.id)),
    ];
  }

  async resealAll(): Promise<{ key_id: string; targets: ResealOutcome[] }> {
    if (!this.box) throw new ApiError('unprocessable_content', 'This gateway has no SHOAL_SECRET_KEY: there is nothing to rotate to');
    const targets: ResealOutcome[] = [];
    for (const t of this.targets) {
      const outcome = await t.reseal(this.box);
      this.log.info({ target: t.name, resealed: outcome.resealed, current: outcome.current, failed: outcome.failed.length }, 'reseal pass');
      if (outcome.failed.length > 0)
        this.log.error(
          { target: t.name, ids: outcome.failed },
          'sealed values that open with no configured key: their owners must enter them again',
        );
      targets.push(outcome);
    }
    return { key_id: this.box.keyId, targets };
  }
}
