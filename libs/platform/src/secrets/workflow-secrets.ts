// Secret environment variables of a workflow graph (Dify's `value_type: secret`): sealed by the
// gateway before the graph is stored, blanked in every answer, opened only by the engine for a run.
import { SecretBox } from './secret-box';

interface EnvVariable {
  name?: unknown;
  value_type?: unknown;
  value?: unknown;
}

const isSecret = (v: unknown): v is EnvVariable => typeof v === 'object' && v !== null && (v as EnvVariable).value_type === 'secret';

function envOf(graph: unknown): unknown[] {
  const env = (graph as { environment_variables?: unknown } | null)?.environment_variables;
  return Array.isArray(env) ? env : [];
}

const ownerOf = (tenantId: string, name: unknown) => `${tenantId}:env:${String(name)}`;

/** Paths (from the graph) of the secret variables whose value is not empty: what sealing needs a key for. */
export function secretValuePaths(graph: unknown): string[] {
  return envOf(graph).flatMap((v, i) => (isSecret(v) && v.value !== '' && v.value != null ? [`environment_variables[${i}].value`] : []));
}

/** Paths of secret variables whose value is not a string (Dify's secrets are strings). */
export function nonStringSecretPaths(graph: unknown): string[] {
  return envOf(graph).flatMap((v, i) =>
    isSecret(v) && v.value != null && typeof v.value !== 'string' ? [`environment_variables[${i}].value`] : [],
  );
}

/** A copy of `graph` whose secret values are sealed for `tenantId` (whatever the client sent is sealed, never trusted as sealed). */
export function sealWorkflowSecrets<G>(graph: G, tenantId: string, box: SecretBox): G {
  const env = envOf(graph);
  if (!env.some(isSecret)) return graph;
  return {
    ...graph,
    environment_variables: env.map((v) =>
      isSecret(v) && typeof v.value === 'string' && v.value !== '' ? { ...v, value: box.seal(v.value, ownerOf(tenantId, v.name)) } : v,
    ),
  };
}

/** A copy of `graph` with secret values blanked (as Dify exports them): what any answer shows. */
export function blankWorkflowSecrets<G>(graph: G): G {
  const env = envOf(graph);
  if (!env.some(isSecret)) return graph;
  return { ...graph, environment_variables: env.map((v) => (isSecret(v) ? { ...v, value: '' } : v)) };
}

/** The opened values of the graph's sealed secrets, by variable name; `box` null when no key is configured. */
export function openWorkflowSecrets(graph: unknown, tenantId: string, box: SecretBox | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of envOf(graph)) {
    if (!isSecret(v) || !SecretBox.isSealed(v.value)) continue;
    if (!box)
      throw new Error(
        `The workflow's secret environment variable '${String(v.name)}' is encrypted, and SHOAL_SECRET_KEY is not set on this service`,
      );
    out[String(v.name)] = box.open(v.value, ownerOf(tenantId, v.name));
  }
  return out;
}

/**
 * For a key rotation: a copy of `graph` whose sealed secret values not sealed by `box`'s current key
 * are sealed again under it (same plaintext, same owner). `failed` names the variables that open with
 * no configured key (left as they are).
 */
export function resealWorkflowSecrets<G>(graph: G, tenantId: string, box: SecretBox): { graph: G; resealed: number; failed: string[] } {
  let resealed = 0;
  const failed: string[] = [];
  const env = envOf(graph);
  const next = env.map((v) => {
    if (!isSecret(v) || !SecretBox.isSealed(v.value) || !box.needsReseal(v.value)) return v;
    const owner = ownerOf(tenantId, v.name);
    try {
      const value = box.seal(box.open(v.value, owner), owner);
      resealed++;
      return { ...v, value };
    } catch {
      failed.push(String(v.name));
      return v;
    }
  });
  return { graph: resealed > 0 ? { ...graph, environment_variables: next } : graph, resealed, failed };
}
