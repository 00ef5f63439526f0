// Positions for nodes that have none: Dify's editor (React Flow) needs one on every node.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "layoutPositions", {
    enumerable: true,
    get: function() {
        return layoutPositions;
    }
});
const COLUMN = 300;
const ROW = 150;
/** Where the first node sits: on the canvas, and inside a container (below its header). */ const CANVAS_ORIGIN = {
    x: 80,
    y: 282
};
const CONTAINER_ORIGIN = {
    x: 24,
    y: 68
};
function layoutPositions(nodes, edges) {
    const parentOf = new Map(nodes.map((n)=>[
            n.id,
            n.parentId ?? ''
        ]));
    const successors = new Map();
    const indegree = new Map(nodes.map((n)=>[
            n.id,
            0
        ]));
    for (const e of edges){
        if (!parentOf.has(e.source) || !parentOf.has(e.target) || parentOf.get(e.source) !== parentOf.get(e.target)) continue;
        const list = successors.get(e.source) ?? [];
        list.push(e.target);
        successors.set(e.source, list);
        indegree.set(e.target, (indegree.get(e.target) ?? 0) + 1);
    }
    // Kahn's algorithm; a node on a cycle never reaches indegree 0 and keeps column 0.
    const column = new Map();
    const queue = nodes.filter((n)=>indegree.get(n.id) === 0).map((n)=>n.id);
    for(let i = 0; i < queue.length; i++){
        const id = queue[i];
        const c = column.get(id) ?? 0;
        for (const next of successors.get(id) ?? []){
            column.set(next, Math.max(column.get(next) ?? 0, c + 1));
            const left = (indegree.get(next) ?? 1) - 1;
            indegree.set(next, left);
            if (left === 0) queue.push(next);
        }
    }
    const columnOf = (id)=>column.get(id) ?? 0;
    const rows = new Map();
    const out = new Map();
    for (const n of nodes){
        const c = columnOf(n.id);
        const key = `${n.parentId ?? ''}\u0000${c}`;
        const r = rows.get(key) ?? 0;
        rows.set(key, r + 1);
        const origin = n.parentId ? CONTAINER_ORIGIN : CANVAS_ORIGIN;
        out.set(n.id, {
            x: origin.x + c * COLUMN,
            y: origin.y + r * ROW
        });
    }
    return out;
}

//# sourceMappingURL=dify-layout.js.map