import { executeRun, type DocumentReader, type NodeFileStore, type NodeFileToStore, type RunFile } from '../index';
import { fakePorts, graph } from '../fake-ports.spec-helper';

/** Answers each file's text from `texts` by filename; an unknown name fails as a real reader would. */
class FakeReader implements DocumentReader {
  readonly read: RunFile[] = [];
  constructor(private readonly texts: Record<string, string>) {}
  async extractText(file: RunFile): Promise<string> {
    this.read.push(file);
    const text = this.texts[String(file.filename)];
    if (text === undefined) throw new Error(`Unsupported Extension Type: ${String(file.extension)} (file ${String(file.filename)})`);
    return text;
  }
}

const flow = (selector: string[], extra: Array<Record<string, unknown>> = []) =>
  graph({
    nodes: [
      {
        id: 'start',
        data: {
          type: 'start',
          variables: [
            { variable: 'doc', type: 'file', required: false },
            { variable: 'docs', type: 'file-list', required: false },
            { variable: 'q', type: 'text-input', required: false },
          ],
        },
      },
      ...extra,
      { id: 'extract', data: { type: 'document-extractor', variable_selector: selector, is_array_file: false } },
      { id: 'end', data: { type: 'end', outputs: [{ variable: 'text', value_selector: ['extract', 'text'] }] } },
    ],
    edges: [
      { source: 'start', target: extra.length ? String(extra[0].id) : 'extract' },
      ...(extra.length ? [{ source: String(extra[0].id), target: 'extract' }] : []),
      { source: 'extract', target: 'end' },
    ],
  });

const url = (name: string) => ({ type: 'document', transfer_method: 'remote_url', url: `https://files.example.com/${name}` });

async function run(selector: string[], inputs: Record<string, unknown>, reader?: DocumentReader) {
  const ports = fakePorts();
  const outcome = await executeRun({
    runId: 'run_1',
    workflowId: 'wf_1',
    workflowVersionId: 'wfv_1',
    graph: flow(selector),
    inputs,
    finished: [],
    ports: { ...ports, documents: reader },
  });
  return { outcome, node: ports.checkpoints.finished.find((f) => f.nodeId === 'extract') };
}

describe('document-extractor node', () => {
  it('outputs the text of one file as a string', async () => {
    const reader = new FakeReader({ 'a.txt': 'hello' });
    const { outcome, node } = await run(['start', 'doc'], { doc: url('a.txt') }, reader);
    expect(outcome).toMatchObject({ status: 'succeeded', outputs: { text: 'hello' } });
    expect(reader.read[0]).toMatchObject({ transfer_method: 'remote_url', filename: 'a.txt', extension: '.txt' });
    expect(node?.inputs).toEqual({ variable_selector: ['start', 'doc'] });
    expect(node?.processData).toMatchObject({ documents: [{ filename: 'a.txt' }] });
  });

  it('outputs a list of texts, in order, for a list of files', async () => {
    const reader = new FakeReader({ 'a.txt': 'A', 'b.md': 'B' });
    const { outcome } = await run(['start', 'docs'], { docs: [url('a.txt'), url('b.md')] }, reader);
    expect(outcome).toMatchObject({ status: 'succeeded', outputs: { text: ['A', 'B'] } });
  });

  it('outputs an empty list for an empty value, reading nothing (Dify: `if not value`)', async () => {
    const reader = new FakeReader({});
    expect((await run(['start', 'docs'], { docs: [] }, reader)).outcome).toMatchObject({ status: 'succeeded', outputs: { text: [] } });
    expect((await run(['start', 'doc'], {}, reader)).outcome).toMatchObject({ status: 'succeeded', outputs: { text: [] } });
    expect(reader.read).toHaveLength(0);
  });

  it('fails naming the selector when the value is not a file', async () => {
    const { outcome } = await run(['start', 'q'], { q: 'just text' }, new FakeReader({}));
    expect(outcome).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('Variable start.q is not a file or a list of files'),
    });
  });

  it("fails with the reader's error naming the file that could not be read; no partial output", async () => {
    const reader = new FakeReader({ 'a.txt': 'A' });
    const { outcome, node } = await run(['start', 'docs'], { docs: [url('a.txt'), url('c.exe')] }, reader);
    expect(outcome).toMatchObject({ status: 'failed', error: expect.stringContaining('Unsupported Extension Type: .exe (file c.exe)') });
    expect(node?.outputs ?? null).toBeNull();
  });

  it('fails saying so when the run has no document reader', async () => {
    const { outcome } = await run(['start', 'doc'], { doc: url('a.txt') });
    expect(outcome).toMatchObject({ status: 'failed', error: expect.stringContaining('no document reader is configured') });
  });

  it('reads a file an http-request node stored (tool_file) through the same reader', async () => {
    const saved: NodeFileToStore[] = [];
    const store: NodeFileStore = {
      save: async (file) => {
        saved.push(file);
        return { id: 'file_stored1', url: '/v1/files/file_stored1/content' };
      },
    };
    const reader = new FakeReader({ 'report.csv': '| a |\n| - |\n' });
    const ports = fakePorts();
    const outcome = await executeRun({
      runId: 'run_1',
      workflowId: 'wf_1',
      workflowVersionId: 'wfv_1',
      graph: flow(
        ['http', 'files'],
        [{ id: 'http', data: { type: 'http-request', method: 'get', url: 'https://x.example/r', headers: '', params: '' } }],
      ),
      inputs: {},
      finished: [],
      ports: {
        ...ports,
        documents: reader,
        fileStore: store,
        http: {
          fetch: async (req) => ({
            status: 200,
            headers: [
              ['content-type', 'text/csv'],
              ['content-disposition', 'attachment; filename="report.csv"'],
            ],
            body: new TextEncoder().encode('a\n'),
            url: req.url,
          }),
        },
      },
    });
    expect(outcome).toMatchObject({ status: 'succeeded', outputs: { text: ['| a |\n| - |\n'] } });
    expect(saved).toEqual([{ filename: 'report.csv', mimeType: 'text/csv', extension: '.csv', bytes: new TextEncoder().encode('a\n') }]);
    expect(reader.read[0]).toMatchObject({
      transfer_method: 'tool_file',
      related_id: 'file_stored1',
      url: '/v1/files/file_stored1/content',
      size: 2,
    });
  });
});
