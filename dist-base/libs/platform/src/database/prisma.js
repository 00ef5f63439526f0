// The Prisma client over node-postgres. Only *.repository.ts files use it.
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
    get Prisma () {
        return _client.Prisma;
    },
    get PrismaClient () {
        return _client.PrismaClient;
    },
    get createPrismaClient () {
        return createPrismaClient;
    }
});
const _adapterpg = require("@prisma/adapter-pg");
const _client = require("../generated/prisma/client");
function createPrismaClient(opts) {
    const adapter = new _adapterpg.PrismaPg({
        connectionString: opts.url,
        max: opts.maxConnections ?? 10,
        connectionTimeoutMillis: 10_000
    });
    return new _client.PrismaClient({
        adapter
    });
}

//# sourceMappingURL=prisma.js.map