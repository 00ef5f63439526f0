// This replica's copy of every deployment's routing view (cooldown, breaker), kept current by the
// health channel. Live only while subscribed: a replica whose subscriber dropped may have missed
// messages, so until it is subscribed again it answers nothing and the store reads Redis instead.
import { HEALTHY, type DeploymentHealth, type FailureKind } from '@shoal/model-routing';

/** What a health script publishes, and what the mirror keeps per deployment. */
export interface RoutingView {
  readonly id: string;
  readonly v: number;
  readonly cu: number;
  readonly cr: string;
  readonly bo: 0 | 1;
  readonly bu: number;
  readonly lk: string;
}

/** Deployments are configuration, so this bounds nothing in practice; it guards against a flood of made-up ids. */
const MAX_ENTRIES = 10_000;

export function viewOf(v: RoutingView): DeploymentHealth {
  return {
    ...HEALTHY,
    version: v.v,
    cooldownUntilMs: v.cu,
    ...(v.cr ? { cooldownReason: v.cr as FailureKind } : {}),
    breakerOpen: v.bo === 1,
    breakerUntilMs: v.bu,
    ...(v.lk ? { lastFailureKind: v.lk as FailureKind } : {}),
  };
}

function parse(message: string): RoutingView | undefined {
  try {
    const m = JSON.parse(message) as Partial<RoutingView>;
    if (typeof m.id !== 'string' || typeof m.v !== 'number' || typeof m.cu !== 'number' || typeof m.bu !== 'number') return undefined;
    return {
      id: m.id,
      v: m.v,
      cu: m.cu,
      cr: typeof m.cr === 'string' ? m.cr : '',
      bo: m.bo === 1 ? 1 : 0,
      bu: m.bu,
      lk: typeof m.lk === 'string' ? m.lk : '',
    };
  } catch {
    return undefined;
  }
}

export class HealthMirror {
  private readonly views = new Map<string, { raw: RoutingView; health: DeploymentHealth }>();
  private live = false;
  /** Messages applied since start, for tests and the bench. */
  received = 0;

  /** Subscribed: from now on every change arrives here. Starts empty (refilled from Redis on demand). */
  start(): void {
    this.views.clear();
    this.live = true;
  }

  /** Unsubscribed or disconnected: messages may be missed from here on. */
  stop(): void {
    this.live = false;
    this.views.clear();
  }

  clear(): void {
    this.views.clear();
  }

  get isLive(): boolean {
    return this.live;
  }

  get(id: string): DeploymentHealth | undefined {
    return this.live ? this.views.get(id)?.health : undefined;
  }

  /** A published change. */
  apply(message: string): void {
    const view = parse(message);
    if (!view) return;
    this.received += 1;
    this.offer(view);
  }

  /** A view read from Redis or published: kept unless the mirror already holds a newer one. */
  offer(view: RoutingView): void {
    if (!this.live) return;
    const current = this.views.get(view.id);
    if (current && current.raw.v >= view.v) return;
    if (!current && this.views.size >= MAX_ENTRIES) this.views.clear();
    this.views.set(view.id, { raw: view, health: viewOf(view) });
  }
}
