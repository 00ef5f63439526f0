// Every route the app registered, collected from Fastify's onRoute hook: the source for 405's
// `Allow` header, for each route's accepted content types, and for tests that must cover every
// route (a new route cannot be missed by them).
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
function _export(target, all) {
    for(var name in all)Object.defineProperty(target, name, {
        enumerable: true,
        get: Object.getOwnPropertyDescriptor(all, name).get
    });
}
_export(exports, {
    get DEFAULT_BODY_TYPES () {
        return DEFAULT_BODY_TYPES;
    },
    get RouteTable () {
        return RouteTable;
    }
});
const DEFAULT_BODY_TYPES = [
    'application/json'
];
function patternOf(url) {
    const segments = url.split('/').map((s)=>{
        if (s.startsWith(':')) return '[^/]+';
        if (s === '*') return '.*';
        return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    });
    return new RegExp(`^${segments.join('/').replace(/\/$/, '')}/?$`);
}
let RouteTable = class RouteTable {
    entries = [];
    add(route) {
        const methods = Array.isArray(route.method) ? route.method : [
            route.method
        ];
        const accepts = route.config?.accepts ?? DEFAULT_BODY_TYPES;
        for (const method of methods)this.entries.push({
            method: method.toUpperCase(),
            url: route.url,
            accepts,
            pattern: patternOf(route.url)
        });
    }
    list() {
        return this.entries.map(({ method, url, accepts })=>({
                method,
                url,
                accepts
            }));
    }
    /** The methods some route serves at this concrete path (query string ignored), sorted. */ methodsAt(path) {
        const p = path.split('?')[0];
        return [
            ...new Set(this.entries.filter((e)=>e.pattern.test(p)).map((e)=>e.method))
        ].sort();
    }
    /** Collects every route registered on `instance` (and its children) from now on. */ static attach(instance) {
        const table = new RouteTable();
        instance.decorate('shoalRoutes', table);
        instance.addHook('onRoute', (route)=>table.add(route));
        return table;
    }
};

//# sourceMappingURL=route-table.js.map