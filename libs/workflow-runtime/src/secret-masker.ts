// Keeps the values of secret environment variables out of what a run reports: node inputs, process
// data, outputs (a model may echo its prompt), errors and the run's outputs. The variable pool keeps
// the real values, so later nodes still get them; only the records and events are masked.

export const SECRET_MASK = '******';

export class SecretMasker {
  /** Longest first, so a secret that contains another is masked whole. */
  private readonly values: readonly string[];

  /** Values shorter than 4 characters are not masked: masking every "a" protects nothing and garbles everything. */
  constructor(secrets: readonly string[]) {
    this.values = [...new Set(secrets.filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length);
  }

  get empty(): boolean {
    return this.values.length === 0;
  }

  maskText(text: string): string {
    let out = text;
    for (const v of this.values) if (out.includes(v)) out = out.split(v).join(SECRET_MASK);
    return out;
  }

  /** A copy of `value` with every string masked; `value` itself when there is nothing to mask. */
  mask<T>(value: T): T {
    if (this.values.length === 0 || value === null || value === undefined) return value;
    return this.walk(value, 0) as T;
  }

  private walk(value: unknown, depth: number): unknown {
    if (typeof value === 'string') return this.maskText(value);
    if (value === null || typeof value !== 'object' || depth > 64) return value;
    if (Array.isArray(value)) return value.map((v) => this.walk(v, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[this.maskText(k)] = this.walk(v, depth + 1);
    return out;
  }
}

export const NO_SECRETS = new SecretMasker([]);
