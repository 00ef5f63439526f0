// Deployment health: cooldowns and failure streaks. A port, because in production every replica of
// model-pool must see the same cooldowns (Redis); the in-memory store serves tests and standalone mode.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "InMemoryHealthStore", {
    enumerable: true,
    get: function() {
        return InMemoryHealthStore;
    }
});
let InMemoryHealthStore = class InMemoryHealthStore {
    clock;
    alpha;
    cooldowns = new Map();
    streaks = new Map();
    latency = new Map();
    constructor(options = {}){
        this.clock = options.clock ?? Date.now;
        this.alpha = options.latencyAlpha ?? 0.2;
    }
    async getCooldowns(ids) {
        const now = this.clock();
        const out = new Map();
        for (const id of ids){
            const cooldown = this.cooldowns.get(id);
            if (!cooldown) continue;
            if (cooldown.untilMs > now) out.set(id, cooldown);
            else this.cooldowns.delete(id);
        }
        return out;
    }
    async cooldown(id, untilMs, reason) {
        const current = this.cooldowns.get(id);
        if (current && current.untilMs >= untilMs) return;
        this.cooldowns.set(id, {
            untilMs,
            reason
        });
    }
    async recordSuccess(id, latencyMs) {
        this.streaks.delete(id);
        const previous = this.latency.get(id);
        this.latency.set(id, previous === undefined ? latencyMs : previous + this.alpha * (latencyMs - previous));
    }
    async recordFailure(id, kind, windowMs) {
        const now = this.clock();
        const streak = this.streaks.get(id);
        if (!streak || now - streak.firstAtMs > windowMs) {
            this.streaks.set(id, {
                count: 1,
                firstAtMs: now,
                lastKind: kind
            });
            return 1;
        }
        streak.count += 1;
        streak.lastKind = kind;
        return streak.count;
    }
    /** Not part of the port: for the admin view and tests of this store. */ stats(id) {
        const streak = this.streaks.get(id);
        const latencyEwmaMs = this.latency.get(id);
        return {
            consecutiveFailures: streak?.count ?? 0,
            ...streak ? {
                lastFailureKind: streak.lastKind
            } : {},
            ...latencyEwmaMs !== undefined ? {
                latencyEwmaMs
            } : {}
        };
    }
};

//# sourceMappingURL=health.store.js.map