// Smooth weighted round-robin, as nginx does it: weights 5:1:1 give a b a c a a a, not a a a a a b c,
// so no deployment sees a burst, and over any run of sum(weights) picks the split is exact.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "WeightedStrategy", {
    enumerable: true,
    get: function() {
        return WeightedStrategy;
    }
});
let WeightedStrategy = class WeightedStrategy {
    // Per-deployment "current weight". Kept per process: with several replicas each one splits its own
    // traffic exactly, so the pool as a whole still converges on the configured weights.
    current = new Map();
    pick(candidates, _ctx) {
        let total = 0;
        let best;
        let bestWeight = -Infinity;
        for (const d of candidates){
            if (d.weight <= 0) continue;
            // A deployment left out (cooling down) keeps its current weight untouched, as in nginx,
            // so on return it resumes its share without a catch-up burst.
            const weight = (this.current.get(d.id) ?? 0) + d.weight;
            this.current.set(d.id, weight);
            total += d.weight;
            // Strictly greater: ties go to the earlier candidate, which keeps the order deterministic.
            if (weight > bestWeight) {
                best = d;
                bestWeight = weight;
            }
        }
        if (best) this.current.set(best.id, bestWeight - total);
        return best;
    }
};

//# sourceMappingURL=weighted.strategy.js.map