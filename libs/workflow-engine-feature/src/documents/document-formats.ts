// Which parser reads a file, as Dify's extractor registry decides: by the file's extension when it has
// one, else by its MIME type. HTML, Markdown and XML are plain text to Dify, returned as they are.
import type { DocumentFormat } from './document-parse.worker';

// Dify's _EXTENSION_PLAIN_TEXT_TYPES
const PLAIN_TEXT_EXTENSIONS = [
  ...['.txt', '.markdown', '.md', '.mdx', '.html', '.htm', '.xml', '.c', '.h', '.cpp', '.hpp', '.cc', '.cxx', '.c++', '.py', '.js'],
  ...['.ts', '.jsx', '.tsx', '.java', '.php', '.rb', '.go', '.rs', '.swift', '.kt', '.scala', '.sh', '.bash', '.bat', '.ps1'],
  ...['.sql', '.r', '.m', '.pl', '.lua', '.vim', '.asm', '.s', '.css', '.scss', '.less', '.sass', '.ini', '.cfg', '.conf'],
  ...['.toml', '.env', '.log', '.vtt'],
];

const BY_EXTENSION: ReadonlyMap<string, DocumentFormat> = new Map<string, DocumentFormat>([
  ...PLAIN_TEXT_EXTENSIONS.map((e) => [e, 'text'] as const),
  ['.json', 'json'],
  ['.csv', 'csv'],
  ['.properties', 'properties'],
  ['.pdf', 'pdf'],
  ['.docx', 'docx'],
]);

const BY_MIME_TYPE: ReadonlyMap<string, DocumentFormat> = new Map<string, DocumentFormat>([
  ...['text/plain', 'text/html', 'text/htm', 'text/markdown', 'text/xml'].map((m) => [m, 'text'] as const),
  ['application/json', 'json'],
  ['text/csv', 'csv'],
  ['text/properties', 'properties'],
  ['application/pdf', 'pdf'],
  ['application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'docx'],
]);

/** The format to parse a file as, or why it has none (Dify's messages). */
export function documentFormatOf(extension: unknown, mimeType: unknown): { format: DocumentFormat } | { error: string } {
  if (typeof extension === 'string' && extension) {
    const ext = (extension.startsWith('.') ? extension : `.${extension}`).toLowerCase();
    const format = BY_EXTENSION.get(ext);
    return format ? { format } : { error: `Unsupported Extension Type: ${ext}` };
  }
  if (typeof mimeType === 'string' && mimeType) {
    const format = BY_MIME_TYPE.get(mimeType.split(';')[0].trim().toLowerCase());
    return format ? { format } : { error: `Unsupported MIME type: ${mimeType}` };
  }
  return { error: 'Unable to determine file type: MIME type or file extension is missing' };
}
