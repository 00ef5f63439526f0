// An S3-compatible server for tests: s3rver (@20minutes/s3rver, a fake S3 that speaks the REST API,
// SigV4 included) in a process of its own on a local port, its objects in a temporary directory.
//
// Two things about s3rver on Node 24 shape how it is started:
// - its ListObjectsV2 continuation tokens are DES-encrypted, which Node 24's OpenSSL 3 offers only
//   with its legacy provider: the process runs with --openssl-legacy-provider (a flag for this
//   test server only; Shoal never needs it);
// - it computes the canonical URI of a bucket-level request (ListObjectsV2, DeleteObjects) without
//   the trailing slash the AWS SDK v3 signs in path style, so it would refuse every such request:
//   it runs with allowMismatchedSignatures. The access key id is still checked.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from './service-process';

export interface S3TestServer {
  /** e.g. http://127.0.0.1:41234 (path-style addressing) */
  endpoint: string;
  bucket: string;
  region: string;
  /** s3rver's one account */
  accessKeyId: string;
  secretAccessKey: string;
  close(): Promise<void>;
}

const SERVER = `
const S3rver = require('@20minutes/s3rver');
const [directory, bucket] = process.argv.slice(1);
const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, allowMismatchedSignatures: true, configureBuckets: [{ name: bucket }] });
server.run().then((a) => process.stdout.write(JSON.stringify({ port: a.port }) + '\\n'), (e) => { console.error(e); process.exit(1); });
process.stdin.on('end', () => server.close().finally(() => process.exit(0)));
process.stdin.resume();
`;

export async function startS3TestServer(bucket = 'shoal-test', timeoutMs = 15_000): Promise<S3TestServer> {
  const directory = mkdtempSync(path.join(tmpdir(), 'shoal-s3rver-'));
  const child = spawn(process.execPath, ['--openssl-legacy-provider', '-e', SERVER, directory, bucket], {
    cwd: repoRoot(),
    env: { PATH: process.env['PATH'] ?? '' },
    // stdin open: the server ends when its parent goes, even a parent that crashed
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`s3rver did not start within ${timeoutMs} ms: ${stderr}`)), timeoutMs);
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n')) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { port: number }).port);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`s3rver exited (${code}) before it listened: ${stderr}`));
    });
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    region: 'us-east-1',
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    close: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin.end();
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
