// Loads the pool's deployments from the parsed config file and the env convenience variables.
import type { Deployment, ModelAlias, ProviderKind } from './deployment';
import { DeploymentConfigError, type ConfigIssue } from './deployment-config.error';
import { isHttpUrl, parseConfigFile, type AliasEntry, type DeploymentEntry } from './deployment-config.schema';
import { Secret } from './secrets';

export interface DeploymentConfig {
  readonly deployments: readonly Deployment[];
  readonly models: readonly ModelAlias[];
}

export interface DeploymentConfigInput {
  /** The parsed JSON of the config file, or undefined when there is no file. */
  readonly file?: unknown;
  readonly env: Readonly<Record<string, string | undefined>>;
}

// The env conveniences: one variable holding a key stands up the provider's well-known models.
// DeepSeek also keeps its older names because many existing clients still send them.
const ENV_PROVIDERS: ReadonlyArray<{
  provider: ProviderKind;
  keyVar: string;
  baseUrlVar: string;
  defaultBaseUrl: string;
  models: readonly string[];
}> = [
  {
    provider: 'deepseek',
    keyVar: 'DEEPSEEK_API_KEY',
    baseUrlVar: 'DEEPSEEK_BASE_URL',
    defaultBaseUrl: 'https://api.deepseek.com',
    models: ['deepseek-flash', 'deepseek-v4-pro', 'deepseek-chat', 'deepseek-reasoner'],
  },
  {
    provider: 'openai',
    keyVar: 'OPENAI_API_KEY',
    baseUrlVar: 'OPENAI_BASE_URL',
    defaultBaseUrl: 'https://api.openai.com/v1',
    models: ['gpt-4o-mini', 'gpt-4o'],
  },
];

function envValue(env: DeploymentConfigInput['env'], name: string): string | undefined {
  // Compose and Helm often pass unset variables as empty strings; treat both alike.
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function fromFile(entries: readonly DeploymentEntry[], env: DeploymentConfigInput['env'], issues: ConfigIssue[]): Deployment[] {
  const out: Deployment[] = [];
  entries.forEach((entry, i) => {
    const at = `deployments[${i}]`;
    let apiKey: string | undefined;
    if (entry.apiKey !== undefined && entry.apiKeyEnv !== undefined) {
      issues.push({ path: at, message: 'only one of "apiKey" or "apiKeyEnv" may be given' });
    } else if (entry.apiKey === undefined && entry.apiKeyEnv === undefined) {
      // a local server without auth (Ollama, vLLM) is called without an Authorization header
      if (entry.provider !== 'openai-compatible')
        issues.push({
          path: at,
          message: 'exactly one of "apiKey" or "apiKeyEnv" is required (only "openai-compatible" may have neither)',
        });
    } else if (entry.apiKeyEnv !== undefined) {
      apiKey = envValue(env, entry.apiKeyEnv);
      if (apiKey === undefined) {
        issues.push({ path: `${at}.apiKeyEnv`, message: `environment variable ${entry.apiKeyEnv} is not set` });
      }
    } else {
      apiKey = entry.apiKey;
    }
    out.push({
      id: entry.id,
      model: entry.model,
      provider: entry.provider,
      baseUrl: entry.baseUrl.replace(/\/+$/, ''),
      apiKey: new Secret(apiKey ?? ''),
      upstreamModel: entry.upstreamModel ?? entry.model,
      weight: entry.weight,
      rpm: entry.rpm,
      tpm: entry.tpm,
      timeoutMs: entry.timeoutMs,
      priceOverride: entry.priceOverride,
      ...(entry.maxConcurrency !== undefined ? { maxConcurrency: entry.maxConcurrency } : {}),
      ...(entry.contextWindow !== undefined ? { contextWindow: entry.contextWindow } : {}),
      ...(entry.strictToolsBaseUrl ? { strictToolsBaseUrl: entry.strictToolsBaseUrl.replace(/\/+$/, '') } : {}),
      source: 'file',
    });
  });
  return out;
}

function fromEnv(env: DeploymentConfigInput['env'], fileModels: ReadonlySet<string>, issues: ConfigIssue[]): Deployment[] {
  const out: Deployment[] = [];
  for (const p of ENV_PROVIDERS) {
    const key = envValue(env, p.keyVar);
    if (key === undefined) continue;
    const baseUrl = envValue(env, p.baseUrlVar) ?? p.defaultBaseUrl;
    if (!isHttpUrl(baseUrl)) {
      issues.push({ path: `env.${p.baseUrlVar}`, message: 'must be a URL' });
      continue;
    }
    for (const model of p.models) {
      // An alias the file defines is the operator's: the env key does not silently join its pool.
      if (fileModels.has(model)) continue;
      out.push({
        id: `dep_env_${p.provider}_${model}`,
        model,
        provider: p.provider,
        baseUrl: baseUrl.replace(/\/+$/, ''),
        apiKey: new Secret(key),
        upstreamModel: model,
        weight: 1,
        source: 'env',
      });
    }
  }
  return out;
}

function buildModels(
  deployments: readonly Deployment[],
  entries: readonly DeploymentEntry[],
  aliases: readonly AliasEntry[],
  issues: ConfigIssue[],
): ModelAlias[] {
  const byName = new Map<string, { ids: string[]; fallbacks: string[]; firstIndex: number }>();
  deployments.forEach((d, i) => {
    const model = byName.get(d.model) ?? { ids: [], fallbacks: [], firstIndex: i };
    model.ids.push(d.id);
    byName.set(d.model, model);
  });

  entries.forEach((entry, i) => {
    const model = byName.get(entry.model);
    if (!model) return;
    (entry.fallbacks ?? []).forEach((fallback, j) => {
      const at = `deployments[${i}].fallbacks[${j}]`;
      if (fallback === entry.model) issues.push({ path: at, message: 'a model cannot fall back to itself' });
      else if (!byName.has(fallback)) issues.push({ path: at, message: `unknown model "${fallback}"` });
      else if (!model.fallbacks.includes(fallback)) model.fallbacks.push(fallback);
    });
  });

  // the `aliases` section: its fallbacks come after the deployments' own, in its order
  const settings = new Map<string, AliasEntry>();
  aliases.forEach((alias, i) => {
    const at = `aliases[${i}]`;
    const model = byName.get(alias.name);
    if (!model) return void issues.push({ path: `${at}.name`, message: `no deployment serves model "${alias.name}"` });
    if (settings.has(alias.name)) return void issues.push({ path: `${at}.name`, message: `"${alias.name}" is listed twice` });
    settings.set(alias.name, alias);
    (alias.fallbacks ?? []).forEach((fallback, j) => {
      if (fallback === alias.name) issues.push({ path: `${at}.fallbacks[${j}]`, message: 'a model cannot fall back to itself' });
      else if (!byName.has(fallback)) issues.push({ path: `${at}.fallbacks[${j}]`, message: `unknown model "${fallback}"` });
      else if (!model.fallbacks.includes(fallback)) model.fallbacks.push(fallback);
    });
  });

  const weights = new Map(deployments.map((d) => [d.id, d.weight]));
  for (const [name, model] of byName) {
    if (model.ids.every((id) => weights.get(id) === 0)) {
      issues.push({
        path: `deployments[${model.firstIndex}].weight`,
        message: `every deployment of model "${name}" has weight 0; at least one must be > 0`,
      });
    }
  }
  return [...byName].map(([name, m]) => {
    const set = settings.get(name);
    return {
      name,
      deploymentIds: m.ids,
      fallbacks: m.fallbacks,
      ...(set?.strategy ? { strategy: set.strategy } : {}),
      ...(set?.ttftTimeoutMs ? { ttftTimeoutMs: set.ttftTimeoutMs } : {}),
      ...(set?.stallTimeoutMs ? { stallTimeoutMs: set.stallTimeoutMs } : {}),
    };
  });
}

/**
 * Parses and checks the deployment config. Every problem is collected, so one boot shows them all;
 * any problem throws a {@link DeploymentConfigError} whose message names the paths.
 */
export function loadDeploymentConfig(input: DeploymentConfigInput): DeploymentConfig {
  const issues: ConfigIssue[] = [];
  let entries: DeploymentEntry[] = [];
  let aliases: AliasEntry[] = [];
  if (input.file !== undefined) {
    const parsed = parseConfigFile(input.file);
    if ('issues' in parsed) throw new DeploymentConfigError(parsed.issues);
    entries = parsed.entries;
    aliases = parsed.aliases;
  }

  const fileDeployments = fromFile(entries, input.env, issues);
  const envDeployments = fromEnv(input.env, new Set(entries.map((e) => e.model)), issues);
  const deployments = [...fileDeployments, ...envDeployments];

  const seen = new Map<string, number>();
  deployments.forEach((d, i) => {
    const first = seen.get(d.id);
    if (first === undefined) seen.set(d.id, i);
    else if (i < fileDeployments.length) {
      issues.push({ path: `deployments[${i}].id`, message: `duplicate id "${d.id}" (also deployments[${first}])` });
    } else {
      // Env-derived ids are fixed, so their only possible clash is a file entry that took one.
      issues.push({ path: `deployments[${first}].id`, message: `id "${d.id}" is reserved for an env-derived deployment` });
    }
  });

  const models = buildModels(deployments, entries, aliases, issues);
  if (issues.length > 0) throw new DeploymentConfigError(issues);
  return { deployments: deployments.map((d) => Object.freeze(d)), models: models.map((m) => Object.freeze(m)) };
}
