"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "ApiKeysRepository", {
    enumerable: true,
    get: function() {
        return ApiKeysRepository;
    }
});
const _contracts = require("../../../contracts/src");
const _apikey = require("./api-key");
let ApiKeysRepository = class ApiKeysRepository {
    prisma;
    constructor(prisma){
        this.prisma = prisma;
    }
    async findByHash(hash) {
        return this.prisma.apiKey.findUnique({
            where: {
                hash
            },
            select: {
                id: true,
                tenantId: true,
                scopes: true,
                workflowId: true,
                expiresAt: true,
                revokedAt: true
            }
        });
    }
    /**
   * On a database with no tenant yet, create the default tenant and its admin key: the given
   * bootstrap key, or a generated one that is returned so it can be shown once. Replicas booting
   * together serialize on an advisory lock; only one creates anything.
   */ async bootstrap(bootstrapKey) {
        return this.prisma.$transaction(async (tx)=>{
            await tx.$executeRaw`SELECT pg_advisory_xact_lock(7345001)`;
            if (await tx.tenant.count() > 0) return {
                created: false
            };
            const tenantId = (0, _contracts.newId)('ten');
            const key = bootstrapKey ?? (0, _apikey.generateApiKey)();
            await tx.tenant.create({
                data: {
                    id: tenantId,
                    name: 'default'
                }
            });
            await tx.apiKey.create({
                data: {
                    id: (0, _contracts.newId)('key'),
                    tenantId,
                    name: 'bootstrap admin key',
                    prefix: (0, _apikey.displayPrefix)(key),
                    hash: (0, _apikey.hashApiKey)(key),
                    scopes: [
                        'admin'
                    ]
                }
            });
            return {
                created: true,
                tenantId,
                key,
                generated: bootstrapKey === undefined
            };
        });
    }
    touch(id) {
        return this.prisma.apiKey.update({
            where: {
                id
            },
            data: {
                lastUsedAt: new Date()
            }
        });
    }
};

//# sourceMappingURL=api-keys.repository.js.map