// The parsers, in process and through the worker pool (pdf.js is loaded as ES modules, so PDFs only go through the pool).
import { strToU8, zipSync } from 'fflate';
import { csvText, decodeText, docxHtmlText, jsonText, parseDocument, propertiesText } from './document-parse.worker';
import { DocumentParserPool } from './document-parser.pool';
import { minimalDocx, minimalPdf, p, table } from './document-fixtures.spec-helper';

const utf8 = (s: string) => new TextEncoder().encode(s);
const never = new AbortController().signal;
const limits = { maxChars: 1_000_000, maxPages: 500, maxUnzippedBytes: 100 * 1024 * 1024 };

describe('document parsers (Dify renderings)', () => {
  it('reads text as UTF-8, and as Windows-1252 when it is not UTF-8', () => {
    expect(decodeText(utf8('héllo # md\n<b>html</b>'))).toBe('héllo # md\n<b>html</b>');
    expect(decodeText(new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x80]))).toBe('café€');
  });

  it('renders JSON indented by two spaces, non-ASCII kept', () => {
    expect(jsonText(utf8('{"a":[1,"é",{"b":null}]}'))).toBe('{\n  "a": [\n    1,\n    "é",\n    {\n      "b": null\n    }\n  ]\n}');
    expect(() => jsonText(utf8('{"a":'))).toThrow(/^Failed to decode or parse JSON file: /);
  });

  it('renders CSV as a Markdown table: quoted commas and line breaks, separator dashes as long as each header', () => {
    expect(csvText(utf8('name,note\n"Smith, J","two\nlines"\nLee,ok\n'))).toBe(
      '| name | note |\n| ---- | ---- |\n| Smith, J | two lines |\n| Lee | ok |\n',
    );
    expect(csvText(utf8(''))).toBe('');
  });

  it('renders .properties lines as key: value', () => {
    expect(propertiesText(utf8('# c\na=1\nb : two\n\nflag'))).toBe('# c\na: 1\nb: two\n\nflag: ');
  });

  it("renders mammoth's DOCX HTML as python-docx text: paragraphs a line each, tables as Markdown", () => {
    const html =
      '<h1>Title</h1><p>One &amp; <strong>two</strong></p><p></p><table><tr><td><p>a</p><p>b</p></td><td><p>c</p></td></tr><tr><td><p>1</p></td><td><p>2</p></td></tr></table><ul><li>item</li></ul>';
    expect(docxHtmlText(html)).toBe('Title\nOne & two\n\n| a<br>b | c |\n| --- | --- |\n| 1 | 2 |\n\nitem');
  });

  it('refuses a text longer than maxChars', async () => {
    await expect(parseDocument({ format: 'text', bytes: utf8('x'.repeat(11)), ...limits, maxChars: 10 })).rejects.toThrow(
      'its text is longer than 10 characters',
    );
  });
});

describe('DocumentParserPool (worker threads)', () => {
  const pool = new DocumentParserPool({ timeoutMs: 20_000 });

  it('extracts the text of each page of a PDF', async () => {
    const text = await pool.parse('pdf', minimalPdf(['Hello PDF', 'Page (two)']), never);
    expect(text.split('\n').map((l) => l.trim())).toEqual(['Hello PDF', 'Page (two)']);
  });

  it('refuses a PDF with more pages than allowed, and bytes that are not a PDF', async () => {
    await expect(new DocumentParserPool({ maxPages: 1 }).parse('pdf', minimalPdf(['a', 'b']), never)).rejects.toThrow(
      'the PDF has 2 pages; at most 1 are read',
    );
    await expect(pool.parse('pdf', utf8('not a pdf'), never)).rejects.toThrow(/^Failed to extract text from PDF: /);
  });

  it('extracts a DOCX: paragraphs, an empty one, a table as Markdown', async () => {
    const docx = minimalDocx(
      p('First') +
        p('') +
        table([
          ['h1', 'h2'],
          ['1', '2'],
        ]) +
        p('Last &amp; done'),
    );
    expect(await pool.parse('docx', docx, never)).toBe('First\n\n| h1 | h2 |\n| --- | --- |\n| 1 | 2 |\n\nLast & done');
  });

  it('refuses a zip bomb before inflating it, and a DOCX that is not a zip', async () => {
    const bomb = minimalDocx(p('x'), { 'word/media/pad.bin': new Uint8Array(8 * 1024 * 1024) });
    expect(bomb.length).toBeLessThan(64 * 1024);
    await expect(new DocumentParserPool({ maxUnzippedBytes: 1024 * 1024 }).parse('docx', bomb, never)).rejects.toThrow(
      'the DOCX unpacks to more than 1048576 bytes',
    );
    await expect(pool.parse('docx', utf8('PK nope'), never)).rejects.toThrow(/^Failed to extract text from DOCX: /);
  });

  it('cuts an entry that lies about its size instead of inflating past it', async () => {
    const doc = zipSync({ 'word/document.xml': strToU8(`<w:document>${'<w:p/>'.repeat(200_000)}</w:document>`) });
    // the central directory's original size of the one entry, set to 10 bytes
    const view = new DataView(doc.buffer);
    let eocd = doc.length - 22;
    while (view.getUint32(eocd, true) !== 0x06054b50) eocd--;
    view.setUint32(view.getUint32(eocd + 16, true) + 24, 10, true);
    await expect(pool.parse('docx', doc, never)).rejects.toThrow(/^Failed to extract text from DOCX: /);
  });

  it('terminates a parse that runs past its time limit, and stops when the run is stopped', async () => {
    const slow = new DocumentParserPool({ timeoutMs: 1 });
    await expect(slow.parse('pdf', minimalPdf(['a']), never)).rejects.toThrow('parsing took longer than 1 ms');
    const stop = new AbortController();
    const parsing = pool.parse('pdf', minimalPdf(['a']), stop.signal);
    stop.abort(new Error('stopped'));
    await expect(parsing).rejects.toThrow('stopped');
  });

  it('refuses at once when too many documents wait', async () => {
    const busy = new DocumentParserPool({ workers: 1, maxQueue: 1 });
    const first = busy.parse('json', utf8('1'), never);
    const second = busy.parse('json', utf8('2'), never);
    await expect(busy.parse('json', utf8('3'), never)).rejects.toThrow('the document parsers are busy');
    expect([await first, await second]).toEqual(['1', '2']);
    // a waiting document whose run stops leaves the queue without waiting for a worker
    const running = busy.parse('json', utf8('4'), never);
    const stop = new AbortController();
    const waiting = busy.parse('json', utf8('5'), stop.signal);
    stop.abort(new Error('stopped while waiting'));
    await expect(waiting).rejects.toThrow('stopped while waiting');
    expect(await busy.parse('json', utf8('6'), never)).toBe('6');
    expect(await running).toBe('4');
  });
});
