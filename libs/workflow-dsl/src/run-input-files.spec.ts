import { parseWorkflowGraph, uploadIdsIn, validateRunFiles, validateRunInputs, type UploadedFileFacts, type WorkflowGraph } from './index';

const REPORT: UploadedFileFacts = {
  id: 'file_01',
  filename: 'report.pdf',
  extension: 'pdf',
  mimeType: 'application/pdf',
  size: 1234,
  url: 'http://shoal.test/v1/files/file_01/content',
};
const uploads = (id: string) => (id === REPORT.id ? REPORT : undefined);

function graphWith(variables: Array<Record<string, unknown>>): WorkflowGraph {
  const parsed = parseWorkflowGraph({
    nodes: [
      { id: 'start', data: { type: 'start', variables } },
      { id: 'end', data: { type: 'end', outputs: [] } },
    ],
    edges: [{ source: 'start', target: 'end' }],
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.graph;
}

describe('uploaded files as run inputs', () => {
  const graph = graphWith([
    { variable: 'doc', type: 'file', allowed_file_types: ['document'] },
    { variable: 'pics', type: 'file-list', allowed_file_types: ['image'], allowed_file_upload_methods: ['remote_url'] },
  ]);

  it('resolves a local_file input to Dify’s file object for the pool', () => {
    const r = validateRunInputs(
      graph,
      { doc: { type: 'document', transfer_method: 'local_file', upload_file_id: 'file_01' } },
      {},
      uploads,
    );
    expect(r).toEqual({
      ok: true,
      inputs: {
        doc: {
          dify_model_identity: '__dify__file__',
          type: 'document',
          transfer_method: 'local_file',
          remote_url: null,
          related_id: 'file_01',
          url: REPORT.url,
          filename: 'report.pdf',
          extension: '.pdf',
          mime_type: 'application/pdf',
          size: 1234,
        },
        pics: null,
      },
    });
    // the engine re-checks the stored inputs without a lookup: the resolved object passes unchanged
    const stored = (r as { inputs: Record<string, unknown> }).inputs;
    expect(validateRunInputs(graph, stored)).toEqual({ ok: true, inputs: stored });
  });

  it('names the input when the upload is unknown (or another tenant’s), of a kind the variable refuses, or not taken by upload', () => {
    const messages = (inputs: object) => {
      const r = validateRunInputs(graph, inputs, {}, uploads);
      return r.ok ? [] : r.issues.map((i) => `${i.path}: ${i.message}`);
    };
    expect(messages({ doc: { type: 'document', transfer_method: 'local_file', upload_file_id: 'file_other' } })).toEqual([
      expect.stringMatching(/^inputs\.doc: inputs\.doc names upload_file_id 'file_other', which is not a file uploaded to this workspace/),
    ]);
    expect(messages({ doc: { type: 'image', transfer_method: 'local_file', upload_file_id: 'file_01' } })).toEqual([
      expect.stringMatching(/has type 'image'; this variable takes 'document'/),
    ]);
    expect(messages({ pics: [{ type: 'image', transfer_method: 'local_file', upload_file_id: 'file_01' }] })).toEqual([
      expect.stringMatching(/^inputs\.pics\[0\]: .* does not take uploads/),
    ]);
    expect(messages({ doc: { transfer_method: 'local_file' } })).toEqual([expect.stringMatching(/must name its upload: upload_file_id/)]);
    // a forged file object does not stand in for a lookup
    expect(
      messages({ doc: { dify_model_identity: '__dify__file__', transfer_method: 'local_file', related_id: 'file_x', filename: 'a.pdf' } }),
    ).toEqual([expect.stringMatching(/'file_x', which is not a file uploaded/)]);
  });

  it('collects the upload ids a request names, bounded, for one lookup', () => {
    expect(
      uploadIdsIn(
        {
          doc: { transfer_method: 'local_file', upload_file_id: 'file_a' },
          list: [{ transfer_method: 'local_file', related_id: 'file_b' }, 'https://x.example/y.png'],
          text: 'file_c',
        },
        [
          { transfer_method: 'local_file', upload_file_id: 'file_a' },
          { transfer_method: 'local_file', upload_file_id: 'file_d' },
        ],
      ),
    ).toEqual(['file_a', 'file_b', 'file_d']);
    const many = Array.from({ length: 500 }, (_, i) => ({ transfer_method: 'local_file', upload_file_id: `file_${i}` }));
    expect(uploadIdsIn({}, many)).toHaveLength(100);
    expect(uploadIdsIn('nope', 'nope')).toEqual([]);
  });

  it('checks the request’s files (sys.files): a bounded list, each path named', () => {
    expect(validateRunFiles(undefined, { max: 3 })).toEqual({ ok: true, files: [] });
    const ok = validateRunFiles(
      [{ type: 'document', transfer_method: 'local_file', upload_file_id: 'file_01' }, 'https://a.example/p.png'],
      {
        max: 3,
        uploads,
      },
    );
    expect(ok).toEqual({
      ok: true,
      files: [
        expect.objectContaining({ related_id: 'file_01', transfer_method: 'local_file' }),
        expect.objectContaining({ type: 'image', transfer_method: 'remote_url', extension: '.png' }),
      ],
    });
    expect(validateRunFiles([1, 2, 3, 4], { max: 3 })).toEqual({
      ok: false,
      issues: [{ path: 'files', code: 'too_big', message: 'files must hold at most 3 files (got 4)' }],
    });
    const bad = validateRunFiles(['https://a.example/p.png', { transfer_method: 'local_file', upload_file_id: 'nope' }], {
      max: 3,
      uploads,
    });
    expect(bad).toEqual({ ok: false, issues: [expect.objectContaining({ path: 'files[1]', code: 'invalid_value' })] });
    expect(validateRunFiles({}, { max: 3 })).toEqual({
      ok: false,
      issues: [expect.objectContaining({ path: 'files', code: 'invalid_type' })],
    });
  });
});
