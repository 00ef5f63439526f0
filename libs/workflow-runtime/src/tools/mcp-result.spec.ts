import { DEFAULT_TOOL_FILE_LIMITS } from '../ports';
import { McpToolError, McpToolFilesError, mcpArguments, mcpResultToOutput } from './mcp-result';

describe('MCP results and arguments, as Dify reads them', () => {
  it('drops empty arguments and casts text to the declared schema types', () => {
    const schema = {
      type: 'object',
      properties: { n: { type: 'number' }, ok: { type: 'boolean' }, tags: { type: 'array' }, q: { type: 'string' } },
    };
    expect(mcpArguments({ n: '4.5', ok: 'true', tags: '["a"]', q: '42', blank: '  ', none: null }, schema)).toEqual({
      n: 4.5,
      ok: true,
      tags: ['a'],
      q: '42',
    });
    expect(mcpArguments({ n: 'four' }, schema)).toEqual({ n: 'four' });
  });

  it('reads JSON object texts as json, other texts as text, structured content as variables', () => {
    expect(
      mcpResultToOutput({
        content: [
          { type: 'text', text: 'hello ' },
          { type: 'text', text: '{"a": 1}' },
          { type: 'text', text: '[{"b": 2}, {"c": 3}]' },
          { type: 'text', text: '[1, 2]' },
        ],
        structuredContent: { sum: 5 },
        isError: false,
      }),
    ).toEqual({ text: 'hello [1, 2]', json: [{ a: 1 }, { b: 2 }, { c: 3 }], files: [], variables: { sum: 5 } });
  });

  it('an error result throws with the tool’s text', () => {
    expect(() => mcpResultToOutput({ content: [{ type: 'text', text: 'quota exceeded' }], isError: true })).toThrow(McpToolError);
    expect(() => mcpResultToOutput({ content: [{ type: 'text', text: 'quota exceeded' }], isError: true })).toThrow('quota exceeded');
  });

  const b64 = (bytes: string | Uint8Array) => Buffer.from(bytes).toString('base64');
  const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

  it('decodes images, audio and binary resources into files; a text resource is text', () => {
    const out = mcpResultToOutput({
      content: [
        { type: 'text', text: 'see ' },
        { type: 'image', data: b64(PNG), mimeType: 'image/png' },
        { type: 'image', data: b64('gif'), mimeType: 'image/gif' },
        { type: 'image', data: b64('png again'), mimeType: 'image/png' },
        { type: 'audio', data: b64('RIFF'), mimeType: 'audio/wav' },
        { type: 'resource', resource: { uri: 'file:///reports/q3%20sales.pdf', mimeType: 'application/pdf', blob: b64('%PDF-') } },
        { type: 'resource', resource: { uri: 'mem://blob/raw', blob: b64('??') } },
        { type: 'resource', resource: { uri: 'file:///notes.txt', mimeType: 'text/plain', text: 'the notes' } },
      ],
      isError: false,
    });
    expect(out.text).toBe('see the notes');
    expect(out.blobs?.map((f) => [f.filename, f.mimeType, f.extension, Buffer.from(f.bytes).toString('latin1')])).toEqual([
      ['image.png', 'image/png', '.png', Buffer.from(PNG).toString('latin1')],
      ['image.gif', 'image/gif', '.gif', 'gif'],
      ['image-2.png', 'image/png', '.png', 'png again'],
      ['audio.wav', 'audio/wav', '.wav', 'RIFF'],
      ['q3 sales.pdf', 'application/pdf', '.pdf', '%PDF-'],
      ['raw.bin', 'application/octet-stream', '.bin', '??'],
    ]);
    // no bytes of a result without files
    expect(mcpResultToOutput({ content: [{ type: 'text', text: 'x' }], isError: false }).blobs).toBeUndefined();
  });

  it('never takes a path from a resource’s URI as its name', () => {
    const out = mcpResultToOutput({
      content: [
        { type: 'resource', resource: { uri: 'file:///etc/..%2F..%2Fpasswd', mimeType: 'text/x-secret', blob: b64('x') } },
        { type: 'resource', resource: { uri: 'https://x.example/dir/', mimeType: 'image/png', blob: b64('y') } },
        { type: 'resource', resource: { uri: 'https://x.example/%2e%2e', mimeType: 'image/png', blob: b64('z') } },
      ],
      isError: false,
    });
    expect(out.blobs?.map((f) => f.filename)).toEqual(['....passwd', 'file.png', 'file-2.png']);
  });

  it('holds a result to the file limits, naming the one it passes, before decoding it', () => {
    const limits = { maxFiles: 2, maxFileBytes: 10, maxTotalBytes: 15 };
    const image = (bytes: number) => ({ type: 'image', data: b64('x'.repeat(bytes)), mimeType: 'image/png' });
    const err = (content: Array<Record<string, unknown>>) => {
      try {
        mcpResultToOutput({ content, isError: false }, limits);
      } catch (e) {
        expect(e).toBeInstanceOf(McpToolFilesError);
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    expect(mcpResultToOutput({ content: [image(10), image(5)], isError: false }, limits).blobs).toHaveLength(2);
    expect(err([image(1), image(1), image(1)])).toBe('the tool returned more than 2 files; a tool node keeps at most 2 (MCP_MAX_FILES)');
    expect(err([image(11)])).toBe(
      'the tool returned image.png of 11 bytes; a file may have at most 10 (HTTP_REQUEST_NODE_MAX_BINARY_SIZE)',
    );
    expect(err([image(10), image(6)])).toBe(
      'the tool returned files of more than 15 bytes together; a tool node keeps at most 15 (MCP_MAX_FILES_BYTES)',
    );
    expect(err([{ type: 'image', data: 'not base64!', mimeType: 'image/png' }])).toBe(
      'the tool returned image.png with data that is not base64',
    );
    expect(DEFAULT_TOOL_FILE_LIMITS).toEqual({ maxFiles: 10, maxFileBytes: 10 * 1024 * 1024, maxTotalBytes: 20 * 1024 * 1024 });
  });

  it('an error result fails with its text, whatever files it holds', () => {
    const tooMany = Array.from({ length: 50 }, () => ({ type: 'image', data: b64('x'), mimeType: 'image/png' }));
    expect(() => mcpResultToOutput({ content: [{ type: 'text', text: 'no luck' }, ...tooMany], isError: true })).toThrow('no luck');
  });
});
