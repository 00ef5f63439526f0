// Starts Shoal's built services (dist/apps/<app>/src/main.js) as real processes for end-to-end
// tests, waits until they answer /readyz, and stops them. Output goes to a log file per service,
// printed when a service fails to come up.
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
    get freePort () {
        return freePort;
    },
    get repoRoot () {
        return repoRoot;
    },
    get startService () {
        return startService;
    },
    get waitForHttp () {
        return waitForHttp;
    }
});
const _interop_require_default = require("@swc/helpers/_/_interop_require_default");
const _nodechild_process = require("node:child_process");
const _nodefs = require("node:fs");
const _nodenet = require("node:net");
const _nodepath = /*#__PURE__*/ _interop_require_default._(require("node:path"));
const _nodeos = require("node:os");
function repoRoot() {
    let dir = __dirname;
    while(!(0, _nodefs.existsSync)(_nodepath.default.join(dir, 'nx.json'))){
        const up = _nodepath.default.dirname(dir);
        if (up === dir) throw new Error('repository root (nx.json) not found');
        dir = up;
    }
    return dir;
}
async function freePort() {
    return new Promise((resolve, reject)=>{
        const srv = (0, _nodenet.createServer)();
        srv.once('error', reject);
        srv.listen(0, '127.0.0.1', ()=>{
            const addr = srv.address();
            const port = typeof addr === 'object' && addr ? addr.port : 0;
            srv.close(()=>resolve(port));
        });
    });
}
async function waitForHttp(url, timeoutMs, isAlive = ()=>true) {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while(Date.now() < deadline){
        if (!isAlive()) throw new Error(`process exited before ${url} answered`);
        try {
            const res = await fetch(url, {
                signal: AbortSignal.timeout(2000)
            });
            if (res.ok) return;
            last = `status ${res.status}`;
        } catch (err) {
            last = err.message;
        }
        await new Promise((r)=>setTimeout(r, 100));
    }
    throw new Error(`${url} did not become ready in ${timeoutMs} ms (${last})`);
}
async function startService(opts) {
    const root = repoRoot();
    const entry = opts.entry ?? _nodepath.default.join(root, 'dist/apps', opts.app, 'src/main.js');
    if (!(0, _nodefs.existsSync)(entry)) throw new Error(`${entry} does not exist: build first (npm run build)`);
    const port = opts.port ?? await freePort();
    const logDir = _nodepath.default.join((0, _nodeos.tmpdir)(), 'shoal-test-logs');
    (0, _nodefs.mkdirSync)(logDir, {
        recursive: true
    });
    const logFile = _nodepath.default.join(logDir, `${opts.app}-${port}.log`);
    const log = (0, _nodefs.createWriteStream)(logFile);
    const child = (0, _nodechild_process.spawn)(process.execPath, [
        '--enable-source-maps',
        entry
    ], {
        cwd: root,
        env: {
            PATH: process.env['PATH'] ?? '',
            HOST: '127.0.0.1',
            LOG_LEVEL: 'info',
            ...opts.env,
            PORT: String(port)
        },
        stdio: [
            'ignore',
            'pipe',
            'pipe'
        ]
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    let exited = false;
    const exit = new Promise((resolve)=>child.once('exit', (code, sig)=>{
            exited = true;
            resolve(code ?? sig);
        }));
    const url = `http://127.0.0.1:${port}`;
    try {
        await waitForHttp(url + (opts.readyPath ?? '/readyz'), opts.timeoutMs ?? 30_000, ()=>!exited);
    } catch (err) {
        child.kill('SIGKILL');
        await exit;
        throw new Error(`${opts.app} did not start: ${err.message}\n--- ${logFile} ---\n${(0, _nodefs.readFileSync)(logFile, 'utf8').slice(-4000)}`);
    }
    return {
        name: opts.app,
        url,
        port,
        logFile,
        child,
        async stop (signal = 'SIGTERM') {
            if (!exited) {
                child.kill(signal);
                const timer = setTimeout(()=>child.kill('SIGKILL'), 10_000);
                const code = await exit;
                clearTimeout(timer);
                return code;
            }
            return exit;
        }
    };
}

//# sourceMappingURL=service-process.js.map