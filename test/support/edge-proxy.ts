// The distributed edge as the deployments set it up (deploy/compose/edge.nginx.conf, the Ingress in
// deploy/k8s/base/ingress.yaml): the OpenAI chat routes go to model-pool, everything else to
// gateway. A plain streaming reverse proxy, so end-to-end tests drive Shoal the way a client does.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const MODEL_POOL_PATHS = ['/v1/chat/completions', '/v1/models'];

export interface EdgeProxy {
  url: string;
  /** requests sent to each upstream, by name */
  routed: { gateway: number; modelPool: number };
  close(): Promise<void>;
}

export async function startEdgeProxy(upstreams: { gateway: string; modelPool: string }): Promise<EdgeProxy> {
  const routed = { gateway: 0, modelPool: 0 };
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const toPool = MODEL_POOL_PATHS.includes(path);
    routed[toPool ? 'modelPool' : 'gateway']++;
    const target = new URL(req.url ?? '/', toPool ? upstreams.modelPool : upstreams.gateway);
    const upstream = http.request(target, { method: req.method, headers: req.headers, agent }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end()));
    // a client that leaves takes its upstream request with it, as nginx does
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    routed,
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
