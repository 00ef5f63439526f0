// The document-extractor node over the API on real Postgres and Redis: uploaded files (file and file-list
// inputs, read from the tenant's FileStore), a URL fetched through the outbound address policy,
// and a file an http-request node received and stored; failures name the file. Once per file store:
// Postgres, a directory, an S3-compatible server (s3rver): what `POST /v1/files` stores, a run reads.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { parseAllowList } from '@shoal/outbound-http';
import type { FileStoreSettings } from '@shoal/platform';
import { startS3TestServer, type S3TestServer } from '@shoal/testing';
import { startInProcessServices, type InProcessServices } from '../support/in-process-services';
import { minimalDocx, minimalPdf, p, table } from '../../libs/workflow-engine-feature/src/documents/document-fixtures.spec-helper';

let s: InProcessServices;
let server: Server;
let base: string;
let s3: S3TestServer;
let fsRoot: string;
const DOCX = minimalDocx(
  p('Quarterly report') +
    table([
      ['region', 'sales'],
      ['north', '12'],
    ]),
);

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/report.docx') {
      res.writeHead(200, {
        'content-type': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        'content-disposition': 'attachment; filename="report.docx"',
      });
      return res.end(DOCX);
    }
    if (req.url === '/data.csv') {
      res.writeHead(200, { 'content-type': 'text/csv' });
      return res.end('name,qty\n"bolt, M4",3\n');
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  s3 = await startS3TestServer();
  fsRoot = mkdtempSync(path.join(tmpdir(), 'shoal-doc-files-'));
}, 90_000);
afterAll(async () => {
  server?.close();
  await s3?.close();
  if (fsRoot) rmSync(fsRoot, { recursive: true, force: true });
});

const STORES: Array<[string, () => FileStoreSettings]> = [
  ['Postgres', () => ({ kind: 'postgres' })],
  ['directory', () => ({ kind: 'fs', dir: fsRoot })],
  [
    'S3-compatible',
    () => ({
      kind: 's3',
      s3: {
        bucket: s3.bucket,
        region: s3.region,
        endpoint: s3.endpoint,
        accessKeyId: s3.accessKeyId,
        secretAccessKey: s3.secretAccessKey,
        forcePathStyle: true,
        prefix: 'docs/',
      },
    }),
  ],
];

/** Where the store keeps an upload's bytes: true when it holds them (and file_chunks does not, for fs and s3). */
async function storedWhereConfigured(store: FileStoreSettings, id: string): Promise<boolean> {
  const chunks = await s.prisma.fileChunk.count({ where: { fileId: id } });
  if (store.kind === 'postgres') return chunks > 0;
  if (chunks > 0) return false;
  if (store.kind === 'fs') return existsSync(path.join(store.dir, tenantOf(), id.slice(-2), id));
  const client = new S3Client({
    region: store.s3.region,
    endpoint: store.s3.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
  try {
    const listed = await client.send(new ListObjectsV2Command({ Bucket: store.s3.bucket, Prefix: `docs/${tenantOf()}/${id}` }));
    return (listed.KeyCount ?? 0) === 1;
  } finally {
    client.destroy();
  }
}

let tenantId = '';
const tenantOf = () => tenantId;

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function send(method: string, url: string, body?: unknown, key = s.apiKey) {
  const res = await fetch(`${s.url}${url}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as Body };
}

async function upload(name: string, bytes: Uint8Array | string): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([typeof bytes === 'string' ? bytes : Buffer.from(bytes)]), name);
  const res = await fetch(`${s.url}/v1/files`, { method: 'POST', headers: { authorization: `Bearer ${s.apiKey}` }, body: form });
  const body = (await res.json()) as Body;
  expect(res.status).toBe(201);
  return body.id as string;
}

/** start → [before] → extract(selector) → end { text } */
async function workflow(selector: string[], before?: Record<string, unknown>): Promise<string> {
  const nodes: Array<Record<string, unknown>> = [
    {
      id: 'start',
      data: {
        type: 'start',
        variables: [
          { variable: 'doc', label: 'doc', type: 'file', required: false },
          { variable: 'docs', label: 'docs', type: 'file-list', required: false },
          { variable: 'url', label: 'url', type: 'text-input', required: false },
        ],
      },
    },
    ...(before ? [{ id: 'before', data: before }] : []),
    { id: 'extract', data: { type: 'document-extractor', variable_selector: selector } },
    { id: 'end', data: { type: 'end', outputs: [{ variable: 'text', value_selector: ['extract', 'text'] }] } },
  ];
  const chain = nodes.map((n) => String(n.id));
  const edges = chain.slice(1).map((target, i) => ({ source: chain[i], target }));
  const created = await send('POST', '/v1/workflows', { name: `extract-${chain.length}`, graph: { nodes, edges } });
  expect(created.status).toBe(201);
  return created.body.id as string;
}

const run = (wf: string, body: Record<string, unknown>) => send('POST', `/v1/workflows/${wf}/runs`, { response_mode: 'blocking', ...body });

describe.each(STORES)('document-extractor node, files in the %s store (in process, real Postgres and Redis)', (_name, settings) => {
  let store: FileStoreSettings;
  beforeAll(async () => {
    const allow = parseAllowList('127.0.0.1/32');
    if (!allow.ok) throw new Error(allow.error);
    store = settings();
    s = await startInProcessServices('doc_extract', { outboundHttp: { allow: allow.value }, fileStore: store });
    tenantId = (await s.prisma.apiKey.findFirstOrThrow({ select: { tenantId: true } })).tenantId;
  }, 90_000);
  afterAll(async () => {
    await s?.close();
  });

  it('extracts an uploaded PDF given as a file input', async () => {
    const id = await upload('brief.pdf', minimalPdf(['Hello from a PDF']));
    expect(await storedWhereConfigured(store, id)).toBe(true);
    const wf = await workflow(['start', 'doc']);
    const res = await run(wf, { inputs: { doc: { type: 'document', transfer_method: 'local_file', upload_file_id: id } } });
    expect(res.body).toMatchObject({ status: 'succeeded' });
    expect(String(res.body.outputs.text).trim()).toBe('Hello from a PDF');
  });

  it('extracts every file of a file-list input into a list, in order', async () => {
    const md = await upload('notes.md', '# Notes\n\n- one\n');
    const html = await upload('page.html', '<p>Hi &amp; bye</p>');
    const wf = await workflow(['start', 'docs']);
    const files = [md, html].map((upload_file_id) => ({ type: 'document', transfer_method: 'local_file', upload_file_id }));
    const res = await run(wf, { inputs: { docs: files } });
    expect(res.body).toMatchObject({
      status: 'succeeded',
      outputs: { text: ['# Notes\n\n- one\n', '<p>Hi &amp; bye</p>'] },
    });
  });

  it('extracts a file given by URL, fetched through the outbound address policy', async () => {
    const wf = await workflow(['start', 'doc']);
    const ok = await run(wf, { inputs: { doc: { type: 'document', transfer_method: 'remote_url', url: `${base}/data.csv` } } });
    expect(ok.body).toMatchObject({ status: 'succeeded', outputs: { text: '| name | qty |\n| ---- | --- |\n| bolt, M4 | 3 |\n' } });
    // the metadata address stays refused, whatever the allowlist opens
    const refused = await run(wf, {
      inputs: { doc: { type: 'document', transfer_method: 'remote_url', url: 'http://169.254.169.254/a.txt' } },
    });
    expect(refused.body.status).toBe('failed');
    expect(refused.body.error).toMatch(/a\.txt: Error downloading file: .*metadata address/);
  });

  it('reads the file an http-request node received: stored for the tenant, readable at its content URL', async () => {
    const wf = await workflow(['before', 'files'], {
      type: 'http-request',
      method: 'get',
      url: `${base}/report.docx`,
      headers: '',
      params: '',
    });
    const res = await run(wf, { inputs: {} });
    expect(res.body).toMatchObject({
      status: 'succeeded',
      outputs: { text: ['Quarterly report\n| region | sales |\n| --- | --- |\n| north | 12 |\n'] },
    });
    const detail = await send('GET', `/v1/runs/${res.body.id}`);
    const http = (detail.body.node_executions as Body[]).find((n) => n.node_id === 'before');
    const file = http?.outputs.files[0] as Body;
    expect(file).toMatchObject({ transfer_method: 'tool_file', filename: 'report.docx', extension: '.docx', size: DOCX.length });
    expect(await storedWhereConfigured(store, file.related_id as string)).toBe(true);
    const content = await fetch(`${s.url}${file.url}`, { headers: { authorization: `Bearer ${s.apiKey}` } });
    expect(Buffer.from(await content.arrayBuffer()).equals(Buffer.from(DOCX))).toBe(true);
  });

  it('fails the node naming the file and why: an unsupported format, a corrupt PDF', async () => {
    const wf = await workflow(['start', 'doc']);
    const xlsx = await upload('book.xlsx', 'not really a workbook');
    const unsupported = await run(wf, { inputs: { doc: { type: 'document', transfer_method: 'local_file', upload_file_id: xlsx } } });
    expect(unsupported.body).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('book.xlsx: Unsupported Extension Type: .xlsx'),
    });
    const pdf = await upload('broken.pdf', '%PDF-1.4 this is not a PDF');
    const broken = await run(wf, { inputs: { doc: { type: 'document', transfer_method: 'local_file', upload_file_id: pdf } } });
    expect(broken.body).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('broken.pdf (pdf): Failed to extract text from PDF'),
    });
  });

  it("reads only the run's tenant's files: a file object naming another tenant's upload fails the node", async () => {
    const id = await upload('secret.txt', 'tenant A only');
    const other = (await send('POST', '/v1/tenants', { name: 'doc-tenant-b' })).body.admin_key.key as string;
    // a code node forges Dify's file object for A's upload; the extractor reads what it names
    const code = `function main() { return { f: { dify_model_identity: '__dify__file__', type: 'document', transfer_method: 'local_file', related_id: '${id}', filename: 'secret.txt', extension: '.txt' } } }`;
    const graph = {
      nodes: [
        { id: 'start', data: { type: 'start', variables: [] } },
        {
          id: 'code',
          data: { type: 'code', code_language: 'javascript', code, variables: [], outputs: { f: { type: 'object', children: null } } },
        },
        { id: 'extract', data: { type: 'document-extractor', variable_selector: ['code', 'f'] } },
        { id: 'end', data: { type: 'end', outputs: [{ variable: 'text', value_selector: ['extract', 'text'] }] } },
      ],
      edges: [
        { source: 'start', target: 'code' },
        { source: 'code', target: 'extract' },
        { source: 'extract', target: 'end' },
      ],
    };
    const runAs = async (key: string) => {
      const wf = await send('POST', '/v1/workflows', { name: 'forged-file', graph }, key);
      expect(wf.status).toBe(201);
      return (await send('POST', `/v1/workflows/${wf.body.id}/runs`, { inputs: {}, response_mode: 'blocking' }, key)).body;
    };
    expect(await runAs(s.apiKey)).toMatchObject({ status: 'succeeded', outputs: { text: 'tenant A only' } });
    const forged = await runAs(other);
    expect(forged).toMatchObject({
      status: 'failed',
      error: expect.stringContaining(`secret.txt: Error downloading file: no file ${id} in this workspace`),
    });
  });
});
