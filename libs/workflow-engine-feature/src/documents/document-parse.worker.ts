// A worker thread that turns one document's bytes into text, as Dify's document extractor renders each
// format. The host starts one per document with a heap limit and kills it past its time limit, so a
// hostile file (a PDF that never ends, a zip bomb) costs at most that. Node runs this file directly
// (type stripping in tests, swc output in dist): it imports no file of ours. The parsers are exported
// for the unit tests that run them in process.
import { parentPort } from 'node:worker_threads';
import { unzipSync, zipSync, type Unzipped } from 'fflate';
import Papa from 'papaparse';

export type DocumentFormat = 'text' | 'json' | 'csv' | 'properties' | 'pdf' | 'docx';

export interface ParseJob {
  id: number;
  format: DocumentFormat;
  bytes: Uint8Array;
  maxChars: number;
  maxPages: number;
  /** bytes a docx may hold once unzipped */
  maxUnzippedBytes: number;
}

export type ParseReply = { id: number; ok: true; text: string } | { id: number; ok: false; error: string };

/** A failure whose message is complete as it is (the host adds the file's name). */
export class ParseError extends Error {}

/** UTF-8 when the bytes are UTF-8, else Windows-1252 (Dify's charset detection chooses among utf-8, latin-1, cp1252). */
export function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

/** Dify: json.dumps(json.loads(text), indent=2, ensure_ascii=False). */
export function jsonText(bytes: Uint8Array): string {
  try {
    return JSON.stringify(JSON.parse(decodeText(bytes)), null, 2);
  } catch (e) {
    throw new ParseError(`Failed to decode or parse JSON file: ${message(e)}`);
  }
}

/** Dify: the rows as a Markdown table, the first row as its header; line breaks in cells become spaces. */
export function csvText(bytes: Uint8Array): string {
  const parsed = Papa.parse<string[]>(decodeText(bytes).replace(/^\ufeff/, ''), { delimiter: ',', quoteChar: '"', header: false });
  const rows = parsed.data;
  // Python's csv.reader yields no row for the line break that ends the file
  while (rows.length && rows[rows.length - 1].length === 1 && rows[rows.length - 1][0] === '') rows.pop();
  if (rows.length === 0) return '';
  const cell = (c: string) => c.replace(/\n/g, ' ').replace(/\r/g, '');
  const lines = [
    `| ${rows[0].map(cell).join(' | ')} |\n`,
    `| ${rows[0].map((c) => '-'.repeat([...c].length)).join(' | ')} |\n`,
    ...rows.slice(1).map((r) => `| ${r.map(cell).join(' | ')} |\n`),
  ];
  return lines.join('');
}

/** Dify: each `key=value` (or `key: value`) line as `key: value`; comments and blank lines as they are (stripped). */
export function propertiesText(bytes: Uint8Array): string {
  return decodeText(bytes)
    .split(/\r\n|\r|\n/)
    .map((line) => {
      const s = line.trim();
      if (!s || s.startsWith('#') || s.startsWith('!')) return s;
      const at = s.includes('=') ? s.indexOf('=') : s.indexOf(':');
      return at < 0 ? `${s}: ` : `${s.slice(0, at).trim()}: ${s.slice(at + 1).trim()}`;
    })
    .join('\n');
}

/** The text of each page (pdf.js, through unpdf), pages joined by a line break; refuses more than `maxPages` pages. */
export async function pdfText(bytes: Uint8Array, maxPages: number, maxChars: number): Promise<string> {
  const { getDocumentProxy } = await import('unpdf');
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    // no fonts loaded: only the text is wanted
    pdf = await getDocumentProxy(bytes, { disableFontFace: true, useSystemFonts: false, stopAtErrors: false });
  } catch (e) {
    throw new ParseError(`Failed to extract text from PDF: ${message(e)}`);
  }
  if (pdf.numPages > maxPages) throw new ParseError(`the PDF has ${pdf.numPages} pages; at most ${maxPages} are read`);
  const pages: string[] = [];
  let chars = 0;
  for (let n = 1; n <= pdf.numPages; n++) {
    const content = await (await pdf.getPage(n)).getTextContent();
    const text = content.items.map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : '') : '')).join('');
    chars += text.length;
    if (chars > maxChars) throw new ParseError(tooLong(maxChars));
    pages.push(text);
  }
  return pages.join('\n');
}

/**
 * Dify's DOCX text: paragraphs one a line, tables as Markdown (cells' line breaks as <br>). The zip is
 * unpacked here first, each entry no larger than it says and all of them within `maxUnzippedBytes`
 * (a lying entry is cut, not inflated further), and handed to mammoth stored, not compressed.
 */
export async function docxText(bytes: Uint8Array, maxUnzippedBytes: number): Promise<string> {
  let entries: Unzipped;
  try {
    let total = 0;
    let count = 0;
    entries = unzipSync(bytes, {
      filter: (f) => {
        total += f.originalSize;
        if (++count > 10_000 || total > maxUnzippedBytes)
          throw new ParseError(`the DOCX unpacks to more than ${maxUnzippedBytes} bytes (or 10000 entries)`);
        return true;
      },
    });
  } catch (e) {
    if (e instanceof ParseError) throw e;
    throw new ParseError(`Failed to extract text from DOCX: it is not a valid zip archive (${message(e)})`);
  }
  const mammoth = (await import('mammoth')).default;
  let html: string;
  try {
    html = (await mammoth.convertToHtml({ buffer: Buffer.from(zipSync(entries, { level: 0 })) }, { ignoreEmptyParagraphs: false })).value;
  } catch (e) {
    throw new ParseError(`Failed to extract text from DOCX: ${message(e)}`);
  }
  return docxHtmlText(html);
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'" };
const decodeEntities = (s: string) => s.replace(/&(amp|lt|gt|quot|#39|apos);/g, (_, e: string) => ENTITIES[e]);
const BLOCK = /^(p|h[1-6]|li)$/;

/** mammoth's HTML (p, h1-h6, ul/ol/li, table/tr/td/th, inline tags) as Dify renders python-docx's paragraphs and tables. */
export function docxHtmlText(html: string): string {
  const blocks: string[] = [];
  const tables: Array<{ rows: string[][]; row: string[] | null; cell: string[] | null }> = [];
  let para: string | null = null;
  const flush = () => {
    if (para === null) return;
    const table = tables[tables.length - 1];
    if (table?.cell) table.cell.push(para);
    else if (!table) blocks.push(para);
    para = null;
  };
  for (const m of html.matchAll(/<(\/)?([a-zA-Z0-9]+)[^>]*>|([^<]+)/g)) {
    const [, closing, rawTag, text] = m;
    if (text !== undefined) {
      if (para !== null) para += decodeEntities(text);
      continue;
    }
    const tag = rawTag.toLowerCase();
    const table = tables[tables.length - 1];
    if (BLOCK.test(tag)) flush();
    if (BLOCK.test(tag) && !closing) para = '';
    else if (tag === 'br' && para !== null) para += '\n';
    else if (tag === 'table' && !closing) tables.push({ rows: [], row: null, cell: null });
    else if (tag === 'table' && table) {
      tables.pop();
      // python-docx's cell text leaves nested tables out
      if (tables.length === 0 && table.rows.some((r) => r.some((c) => c.trim()))) blocks.push(markdownTable(table.rows));
    } else if (tag === 'tr' && table) {
      if (closing && table.row) table.rows.push(table.row);
      table.row = closing ? null : [];
    } else if ((tag === 'td' || tag === 'th') && table) {
      if (closing && table.cell) table.row?.push(table.cell.join('\n'));
      table.cell = closing ? null : [];
    }
  }
  flush();
  return blocks.join('\n');
}

function markdownTable(rows: string[][]): string {
  const cells = (r: string[]) => r.map((c) => c.replace(/\n/g, '<br>'));
  let out = `| ${cells(rows[0]).join(' | ')} |\n`;
  out += `| ${rows[0].map(() => '---').join(' | ')} |\n`;
  for (const r of rows.slice(1)) out += `| ${cells(r).join(' | ')} |\n`;
  return out;
}

export async function parseDocument(job: Omit<ParseJob, 'id'>): Promise<string> {
  let text: string;
  switch (job.format) {
    case 'text':
      text = decodeText(job.bytes);
      break;
    case 'json':
      text = jsonText(job.bytes);
      break;
    case 'csv':
      text = csvText(job.bytes);
      break;
    case 'properties':
      text = propertiesText(job.bytes);
      break;
    case 'pdf':
      text = await pdfText(job.bytes, job.maxPages, job.maxChars);
      break;
    case 'docx':
      text = await docxText(job.bytes, job.maxUnzippedBytes);
      break;
  }
  if (text.length > job.maxChars) throw new ParseError(tooLong(job.maxChars));
  return text;
}

const tooLong = (max: number) => `its text is longer than ${max} characters`;

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

parentPort?.on('message', (job: ParseJob) => {
  parseDocument(job).then(
    (text) => parentPort?.postMessage({ id: job.id, ok: true, text } satisfies ParseReply),
    (e: unknown) => parentPort?.postMessage({ id: job.id, ok: false, error: message(e) } satisfies ParseReply),
  );
});
