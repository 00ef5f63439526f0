// Uploaded files over HTTP against real Postgres: Shoal's REST routes (upload, list, metadata,
// content, delete), the limits (413, 415, 400 in the route's error shape), a run taking an upload as
// its file input, and Dify's upload followed by a run with `files` (sys.files) and one with a file input.
import { createHash } from 'node:crypto';
import http from 'node:http';
import { startInProcessServices, type InProcessServices } from '../support/in-process-services';

let s: InProcessServices;
let workflowId: string;
let appKey: string;
const MB = 1024 * 1024;

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

// a workflow whose output is its file input and sys.files, as the pool holds them
const FILE_ECHO = {
  name: 'file echo',
  graph: {
    nodes: [
      {
        id: 'start',
        data: {
          type: 'start',
          variables: [{ variable: 'doc', label: 'Doc', type: 'file', required: false, allowed_file_types: ['document'] }],
        },
      },
      {
        id: 'end',
        data: {
          type: 'end',
          outputs: [
            { variable: 'doc', value_selector: ['start', 'doc'] },
            { variable: 'files', value_selector: ['sys', 'files'] },
          ],
        },
      },
    ],
    edges: [{ source: 'start', target: 'end' }],
  },
};

beforeAll(async () => {
  s = await startInProcessServices('files');
  workflowId = (await json('POST', '/v1/workflows', s.apiKey, FILE_ECHO)).body.id;
  appKey = (await json('POST', '/v1/api-keys', s.apiKey, { name: 'app', scopes: ['runs:write', 'read'], workflow_id: workflowId })).body
    .key;
}, 90_000);
afterAll(() => s?.close());

async function json(method: string, url: string, key: string, body?: unknown) {
  const res = await fetch(`${s.url}${url}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: (text ? JSON.parse(text) : null) as Body };
}

async function upload(url: string, key: string, form: FormData) {
  const res = await fetch(`${s.url}${url}`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: form });
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: (await res.json()) as Body };
}

function formWith(name: string, bytes: Uint8Array | string, type = 'text/plain', extra: Record<string, string> = {}) {
  const form = new FormData();
  for (const [k, v] of Object.entries(extra)) form.append(k, v);
  form.append('file', new Blob([bytes], { type }), name);
  return form;
}

/** A raw request (a body fetch would not send: a multipart without a boundary, a cut-off one). */
function raw(
  path: string,
  key: string,
  contentType: string,
  body: string,
  declaredLength?: number,
): Promise<{ status: number; body: Body }> {
  return new Promise((resolve, reject) => {
    const url = new URL(s.url);
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path,
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': contentType,
          'content-length': declaredLength ?? Buffer.byteLength(body),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Body }));
      },
    );
    req.on('error', reject);
    // a declared length longer than the body: the answer must come without the rest being sent
    if (declaredLength) req.write(body);
    else req.end(body);
  });
}

it('uploads a file, lists it, reads its metadata and bytes, and deletes it', async () => {
  const text = 'Quarterly report\n'.repeat(100_000); // 1.7 MB: stored in two chunks
  const up = await upload('/v1/files', s.apiKey, formWith('Report.TXT', text));
  expect(up.status).toBe(201);
  expect(up.body).toEqual({
    id: expect.stringMatching(/^file_[0-9a-z]{26}$/),
    object: 'file',
    name: 'Report.TXT',
    size: Buffer.byteLength(text),
    extension: 'txt',
    mime_type: 'text/plain',
    kind: 'document',
    sha256: createHash('sha256').update(text).digest('hex'),
    url: `/v1/files/${up.body.id}/content`,
    created_by: expect.stringMatching(/^key_/),
    api_key_id: expect.stringMatching(/^key_/),
    workflow_id: null,
    created_at: expect.any(String),
  });
  const id = up.body.id as string;
  expect(await s.prisma.fileChunk.count({ where: { fileId: id } })).toBe(2);

  const second = await upload(
    '/v1/files',
    s.apiKey,
    formWith('chart.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47]), 'application/octet-stream'),
  );
  expect(second.body).toMatchObject({ kind: 'image', mime_type: 'image/png', extension: 'png' });
  // a small file's bytes are a slice of a shared buffer on the way in: only its own come back
  const small = await fetch(`${s.url}/v1/files/${second.body.id}/content`, { headers: { authorization: `Bearer ${s.apiKey}` } });
  expect([...new Uint8Array(await small.arrayBuffer())]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  const page = await json('GET', '/v1/files?limit=1', s.apiKey);
  expect(page.body).toMatchObject({ object: 'list', has_more: true, next_cursor: second.body.id, data: [{ id: second.body.id }] });
  const next = await json('GET', `/v1/files?limit=1&after=${page.body.next_cursor}`, s.apiKey);
  expect(next.body.data.map((f: Body) => f.id)).toEqual([id]);

  expect((await json('GET', `/v1/files/${id}`, s.apiKey)).body).toEqual(up.body);
  const content = await fetch(`${s.url}/v1/files/${id}/content`, { headers: { authorization: `Bearer ${s.apiKey}` } });
  expect(content.status).toBe(200);
  expect(content.headers.get('content-type')).toBe('text/plain');
  expect(content.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''Report.TXT");
  expect(content.headers.get('x-content-type-options')).toBe('nosniff');
  expect(await content.text()).toBe(text);

  expect((await json('DELETE', `/v1/files/${id}`, s.apiKey)).body).toEqual({ id, object: 'file', deleted: true });
  expect((await json('GET', `/v1/files/${id}`, s.apiKey)).status).toBe(404);
  expect((await json('GET', `/v1/files/${id}/content`, s.apiKey)).status).toBe(404);
  expect((await json('DELETE', `/v1/files/${id}`, s.apiKey)).status).toBe(404);
  expect(await s.prisma.fileChunk.count({ where: { fileId: id } })).toBe(0);
  // a key without the scope uploads nothing
  const reader = (await json('POST', '/v1/api-keys', s.apiKey, { name: 'reader', scopes: ['read'] })).body.key as string;
  expect((await upload('/v1/files', reader, formWith('a.txt', 'a'))).status).toBe(403);
}, 60_000);

it('refuses too large (413), the wrong kind or content type (415) and a missing file (400), naming what, and stores nothing', async () => {
  const rows = async () => [await s.prisma.uploadedFile.count(), await s.prisma.fileChunk.count()];
  const before = await rows();
  // an image has Dify's 10 MB limit, a document 15 MB
  const big = new Uint8Array(10 * MB + 1);
  const image = await upload('/v1/files', s.apiKey, formWith('big.png', big, 'image/png'));
  expect([image.status, image.type.split(';')[0], image.body.type, image.body.errors]).toEqual([
    413,
    'application/problem+json',
    'https://shoal.dev/problems/payload-too-large',
    [{ path: 'body.file', message: 'is too large' }],
  ]);
  expect(image.body.detail).toMatch(/over 10485760 bytes, the limit for image files/);
  expect((await upload('/v1/files', s.apiKey, formWith('big.pdf', big, 'application/pdf'))).status).toBe(201);

  const exe = await upload('/v1/files', s.apiKey, formWith('setup.exe', 'MZ', 'application/octet-stream'));
  expect([exe.status, exe.body.type, exe.body.errors[0].path]).toEqual([
    415,
    'https://shoal.dev/problems/unsupported-file-type',
    'body.file.filename',
  ]);
  const asJson = await json('POST', '/v1/files', s.apiKey, { file: 'x' });
  expect([asJson.status, asJson.body.errors[0].path]).toEqual([415, 'headers.content-type']);
  expect(asJson.body.detail).toMatch(/multipart\/form-data/);

  const noFile = new FormData();
  noFile.append('user', 'u1');
  const missing = await upload('/v1/files', s.apiKey, noFile);
  expect([missing.status, missing.body.errors]).toEqual([400, [{ path: 'body.file', message: 'is required', code: 'required' }]]);
  const wrongField = new FormData();
  wrongField.append('document', new Blob(['x']), 'a.txt');
  expect((await upload('/v1/files', s.apiKey, wrongField)).body.errors[0].path).toBe('body.document');
  const two = formWith('a.txt', 'a');
  two.append('file', new Blob(['b']), 'b.txt');
  expect((await upload('/v1/files', s.apiKey, two)).body).toMatchObject({ status: 400, detail: 'Only one file is allowed per upload' });

  const noBoundary = await raw('/v1/files', s.apiKey, 'multipart/form-data', '--x\r\n');
  expect([noBoundary.status, noBoundary.body.errors[0].path]).toEqual([400, 'headers.content-type']);
  const cut = await raw(
    '/v1/files',
    s.apiKey,
    'multipart/form-data; boundary=XyZ',
    '--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhalf a fi',
  );
  expect(cut.status).toBe(400);
  // a body declared larger than any upload may be is refused before it is read
  const declared = await raw('/v1/files', s.apiKey, 'multipart/form-data; boundary=XyZ', '--XyZ\r\n', 1024 * MB);
  expect([declared.status, declared.body.errors]).toEqual([413, [{ path: 'body.file', message: 'is too large' }]]);
  expect(await rows()).toEqual([before[0] + 1, before[1] + 11]); // only the 10 MB PDF, in 11 chunks
}, 120_000);

it('runs a workflow with an uploaded file as its input; an unknown or foreign id is a 400 naming the input', async () => {
  const up = await upload('/v1/files', s.apiKey, formWith('notes.md', '# Notes', 'text/markdown'));
  const run = await json('POST', `/v1/workflows/${workflowId}/runs`, s.apiKey, {
    inputs: { doc: { type: 'document', transfer_method: 'local_file', upload_file_id: up.body.id } },
    response_mode: 'blocking',
  });
  expect(run.status).toBe(200);
  expect(run.body.status).toBe('succeeded');
  expect(run.body.outputs.doc).toEqual({
    dify_model_identity: '__dify__file__',
    type: 'document',
    transfer_method: 'local_file',
    remote_url: null,
    related_id: up.body.id,
    url: `/v1/files/${up.body.id}/content`,
    filename: 'notes.md',
    extension: '.md',
    mime_type: 'text/markdown',
    size: 7,
  });
  expect(run.body.outputs.files).toEqual([]);

  const unknown = await json('POST', `/v1/workflows/${workflowId}/runs`, s.apiKey, {
    inputs: { doc: { type: 'document', transfer_method: 'local_file', upload_file_id: 'file_01jzzzzzzzzzzzzzzzzzzzzzzz' } },
  });
  expect([unknown.status, unknown.body.errors[0].path]).toEqual([400, 'inputs.doc']);
  expect(unknown.body.detail).toMatch(/not a file uploaded to this workspace/);

  const tenant = (await json('POST', '/v1/tenants', s.apiKey, { name: 'other' })).body;
  const otherKey = tenant.admin_key.key as string;
  const theirs = await upload('/v1/files', otherKey, formWith('theirs.txt', 'secret'));
  const foreign = await json('POST', `/v1/workflows/${workflowId}/runs`, s.apiKey, {
    inputs: { doc: { type: 'document', transfer_method: 'local_file', upload_file_id: theirs.body.id } },
  });
  expect([foreign.status, foreign.body.errors[0].path]).toEqual([400, 'inputs.doc']);
  expect(JSON.stringify(foreign.body)).not.toContain('theirs.txt');
}, 60_000);

it('takes Dify’s upload (form `file` and `user`) and its `files` on POST /v1/workflows/run, in Dify’s shapes', async () => {
  const up = await upload('/v1/files/upload', appKey, formWith('brief.pdf', '%PDF-1.4 brief', 'application/pdf', { user: 'end-user-1' }));
  expect(up.status).toBe(201);
  expect(up.body).toEqual({
    id: expect.stringMatching(/^file_/),
    name: 'brief.pdf',
    size: 14,
    extension: 'pdf',
    mime_type: 'application/pdf',
    created_by: 'end-user-1',
    created_at: expect.any(Number),
  });
  const file = { type: 'document', transfer_method: 'local_file', upload_file_id: up.body.id };
  const run = await json('POST', '/v1/workflows/run', appKey, {
    inputs: { doc: file },
    files: [file],
    response_mode: 'blocking',
    user: 'end-user-1',
  });
  expect(run.status).toBe(200);
  expect(run.body.data.status).toBe('succeeded');
  expect(run.body.data.outputs.doc).toMatchObject({ related_id: up.body.id, filename: 'brief.pdf', transfer_method: 'local_file' });
  expect(run.body.data.outputs.files).toEqual([expect.objectContaining({ related_id: up.body.id, extension: '.pdf', size: 14 })]);

  // Dify's error shape and codes
  const none = new FormData();
  none.append('user', 'end-user-1');
  const missing = await upload('/v1/files/upload', appKey, none);
  expect([missing.status, missing.body.code, missing.body.params]).toEqual([400, 'no_file_uploaded', 'body.file']);
  const exe = await upload('/v1/files/upload', appKey, formWith('x.exe', 'MZ'));
  expect([exe.status, exe.body.code]).toEqual([415, 'unsupported_file_type']);
  const badFiles = await json('POST', '/v1/workflows/run', appKey, {
    inputs: {},
    files: [{ type: 'document', transfer_method: 'local_file', upload_file_id: 'file_nope' }],
    user: 'u',
  });
  expect([badFiles.status, badFiles.body.code, badFiles.body.params]).toEqual([400, 'invalid_param', 'files[0]']);
  // the app key sees its app's uploads only; an unbound key's upload is not one of them
  const unbound = await upload('/v1/files', s.apiKey, formWith('admin.txt', 'x'));
  expect((await json('GET', `/v1/files/${unbound.body.id}`, appKey)).status).toBe(404);
  expect((await json('GET', `/v1/files/${up.body.id}`, appKey)).status).toBe(200);
  const listed = (await json('GET', '/v1/files', appKey)).body.data.map((f: Body) => f.id);
  expect(listed).toEqual([up.body.id]);
  // an unbound key is no Dify app key
  expect((await upload('/v1/files/upload', s.apiKey, formWith('a.txt', 'a'))).body).toMatchObject({ status: 403, code: 'forbidden' });
}, 60_000);

it('answers GraphQL files and file(id) as REST does, scoped to the caller’s tenant', async () => {
  const gql = async (key: string, query: string, variables: object = {}) =>
    (await (
      await fetch(`${s.url}/graphql`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      })
    ).json()) as Body;
  const up = await upload('/v1/files', s.apiKey, formWith('graph.csv', 'a,b\n1,2\n', 'text/csv'));
  const one = await gql(s.apiKey, 'query($id: ID!) { file(id: $id) { id name size extension mimeType kind sha256 url } }', {
    id: up.body.id,
  });
  expect(one.data.file).toEqual({
    id: up.body.id,
    name: 'graph.csv',
    size: 8,
    extension: 'csv',
    mimeType: 'text/csv',
    kind: 'document',
    sha256: up.body.sha256,
    url: `/v1/files/${up.body.id}/content`,
  });
  const page = await gql(s.apiKey, '{ files(first: 1) { nodes { id } hasMore nextCursor } }');
  expect(page.data.files).toEqual({ nodes: [{ id: up.body.id }], hasMore: true, nextCursor: up.body.id });
  const other = (await json('POST', '/v1/tenants', s.apiKey, { name: 'graphql-other' })).body.admin_key.key as string;
  expect((await gql(other, 'query($id: ID!) { file(id: $id) { id } }', { id: up.body.id })).data).toEqual({ file: null });
  expect((await gql(other, '{ files { nodes { id } } }')).data.files.nodes).toEqual([]);
});

it('takes Dify’s files on POST /v1/chat-messages (sys.files) and lists them as the message’s message_files', async () => {
  const chat = (
    await json('POST', '/v1/workflows', s.apiKey, {
      name: 'files chat',
      graph: {
        nodes: [
          { id: 'start', data: { type: 'start', variables: [] } },
          { id: 'answer', data: { type: 'answer', answer: '{{#sys.files#}}' } },
        ],
        edges: [{ source: 'start', target: 'answer' }],
      },
    })
  ).body.id as string;
  const chatKey = (await json('POST', '/v1/api-keys', s.apiKey, { name: 'chat app', scopes: ['runs:write', 'read'], workflow_id: chat }))
    .body.key as string;
  const up = await upload('/v1/files/upload', chatKey, formWith('slides.pptx', 'PK', 'application/octet-stream', { user: 'u-9' }));
  expect(up.status).toBe(201);
  const said = await json('POST', '/v1/chat-messages', chatKey, {
    inputs: {},
    query: 'look',
    user: 'u-9',
    response_mode: 'blocking',
    files: [{ type: 'document', transfer_method: 'local_file', upload_file_id: up.body.id }],
  });
  expect(said.status).toBe(200);
  expect(JSON.parse(said.body.answer)).toEqual([
    expect.objectContaining({
      related_id: up.body.id,
      filename: 'slides.pptx',
      mime_type: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    }),
  ]);
  const listed = await json('GET', `/v1/messages?conversation_id=${said.body.conversation_id}&user=u-9`, chatKey);
  expect(listed.body.data[0].message_files).toEqual([
    {
      id: up.body.id,
      type: 'document',
      url: `/v1/files/${up.body.id}/content`,
      belongs_to: 'user',
      filename: 'slides.pptx',
      extension: '.pptx',
      mime_type: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
      size: 2,
      transfer_method: 'local_file',
      upload_file_id: up.body.id,
    },
  ]);
  // a turn without files lists none
  const plain = await json('POST', '/v1/chat-messages', chatKey, {
    inputs: {},
    query: 'again',
    user: 'u-9',
    conversation_id: said.body.conversation_id,
  });
  expect(plain.body.answer).toBe('[]');
  const both = await json('GET', `/v1/messages?conversation_id=${said.body.conversation_id}&user=u-9`, chatKey);
  expect(both.body.data.map((m: Body) => m.message_files.length)).toEqual([1, 0]);
});

it('frees the upload slot of a client that leaves mid-body: more such clients than slots, then an upload still works', async () => {
  const net = await import('node:net');
  const url = new URL(s.url);
  const body = '--B\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nthe first half of';
  for (let i = 0; i < 10; i++) {
    const socket = net.connect(Number(url.port), url.hostname);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(
      `POST /v1/files HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${s.apiKey}\r\nContent-Type: multipart/form-data; boundary=B\r\nContent-Length: 100000\r\n\r\n${body}`,
    );
    await new Promise((r) => setTimeout(r, 20));
    socket.destroy();
  }
  // the server sees each close; a slot held by any of them would make this a 503 once 8 were held
  let status = 0;
  for (let i = 0; i < 50 && status !== 201; i++) {
    status = (await upload('/v1/files', s.apiKey, formWith('after.txt', 'still works'))).status;
    if (status !== 201) await new Promise((r) => setTimeout(r, 100));
  }
  expect(status).toBe(201);
});
