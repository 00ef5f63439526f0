import type { Deployment, ModelAlias } from './deployment';
import { InMemoryHealthStore, type HealthSnapshot } from './health.store';
import { ModelRouter } from './model.router';
import { dep, ManualClock, seededRandom } from './testing/fixtures';

function routerOf(deployments: Deployment[], alias: Partial<ModelAlias> = {}, health = new InMemoryHealthStore()) {
  const clock = new ManualClock();
  return {
    clock,
    router: new ModelRouter({
      deployments,
      models: [{ name: 'm', deploymentIds: deployments.map((d) => d.id), fallbacks: [], ...alias }],
      health,
      clock: clock.now,
      random: seededRandom(9),
    }),
  };
}

describe('ModelRouter: strategies and limits', () => {
  it("uses the alias's strategy: cost sends everything to the cheaper deployment", async () => {
    const cheap = { ...dep('dep_cheap', 'm'), priceOverride: { inputPerMillion: '0.1', outputPerMillion: '0.2', currency: 'USD' } };
    const dear = { ...dep('dep_dear', 'm'), priceOverride: { inputPerMillion: '1', outputPerMillion: '2', currency: 'USD' } };
    const { router } = routerOf([dear, cheap], { strategy: 'cost' });
    for (let i = 0; i < 20; i++) expect((await router.pick(['m'], new Set(), 1))?.deployment?.id).toBe('dep_cheap');
  });

  it('skips a deployment at its concurrency cap like a cooling one, and takes it back when a call ends', async () => {
    const capped = { ...dep('dep_capped', 'm'), maxConcurrency: 2 };
    const { router } = routerOf([capped, dep('dep_other', 'm')], { strategy: 'least-in-flight' });
    const releases = [router.acquire(capped), router.acquire(capped)];
    for (let i = 0; i < 10; i++) expect((await router.pick(['m'], new Set(), 1))?.deployment?.id).toBe('dep_other');
    releases[0]();
    releases[0](); // twice counts once
    // least-in-flight: capped has 1, other 0 in flight → other; after two on other, capped has fewer
    const r1 = router.acquire(router.deployment('dep_other')!);
    const r2 = router.acquire(router.deployment('dep_other')!);
    expect((await router.pick(['m'], new Set(), 1))?.deployment?.id).toBe('dep_capped');
    r1();
    r2();
  });

  it('when every deployment is at its cap, says to wait briefly (not an error)', async () => {
    const capped = { ...dep('dep_capped', 'm'), maxConcurrency: 1 };
    const { router, clock } = routerOf([capped]);
    router.acquire(capped);
    const pick = await router.pick(['m'], new Set(), 1);
    expect(pick?.deployment).toBeUndefined();
    expect(pick && !pick.deployment && pick.earliest.untilMs - clock.nowMs).toBeLessThanOrEqual(100);
  });

  it("reads the health store's in-flight count (every replica's) when it is larger than this process's", async () => {
    class SharedCounts extends InMemoryHealthStore {
      override async snapshot(ids: readonly string[]): Promise<ReadonlyMap<string, HealthSnapshot>> {
        const base = await super.snapshot(ids);
        return new Map([...base].map(([id, s]) => [id, { ...s, inFlight: id === 'dep_a' ? 5 : 0, shared: true }]));
      }
    }
    const capped = { ...dep('dep_a', 'm'), maxConcurrency: 5 };
    const { router } = routerOf([capped, dep('dep_b', 'm')], {}, new SharedCounts());
    for (let i = 0; i < 10; i++) expect((await router.pick(['m'], new Set(), 1))?.deployment?.id).toBe('dep_b');
  });

  it("never sends more than a deployment's RPM in one minute from this process", async () => {
    const limited = { ...dep('dep_a', 'm'), rpm: 3 };
    const { router, clock } = routerOf([limited, dep('dep_b', 'm')], { strategy: 'usage' });
    const counts: Record<string, number> = {};
    for (let i = 0; i < 200; i++) {
      const d = (await router.pick(['m'], new Set(), 1))!.deployment!;
      router.acquire(d)();
      counts[d.id] = (counts[d.id] ?? 0) + 1;
    }
    expect(counts.dep_a).toBe(3);
    clock.advance(60_000);
    const d = (await router.pick(['m'], new Set(), 1))!.deployment!;
    expect(['dep_a', 'dep_b']).toContain(d.id);
  });

  it('routes on when the health store cannot give its snapshot, and says so', async () => {
    class Broken extends InMemoryHealthStore {
      override async snapshot(): Promise<ReadonlyMap<string, HealthSnapshot>> {
        throw new Error('redis down');
      }
    }
    const errors: string[] = [];
    const router = new ModelRouter({
      deployments: [dep('dep_a', 'm'), dep('dep_b', 'm')],
      models: [{ name: 'm', deploymentIds: ['dep_a', 'dep_b'], fallbacks: [], strategy: 'least-in-flight' }],
      health: new Broken(),
      onStoreError: (_err, op) => errors.push(op),
    });
    const release = router.acquire(router.deployment('dep_a')!);
    expect((await router.pick(['m'], new Set(), 1))?.deployment?.id).toBe('dep_b');
    release();
    expect(errors).toEqual(['snapshot']);
  });
});
