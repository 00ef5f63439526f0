/** Render a zod path the way users read JSON paths: `graph.nodes[1].data.model.name`. */ "use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "jsonPath", {
    enumerable: true,
    get: function() {
        return jsonPath;
    }
});
function jsonPath(root, path) {
    let out = root;
    for (const p of path)out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
    return out;
}

//# sourceMappingURL=json-path.js.map