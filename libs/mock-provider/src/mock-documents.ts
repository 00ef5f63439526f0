// Documents the mock serves at GET /v1/files/<name> (as attachments), for workflows that fetch or
// extract files (http-request, document-extractor) in tests and the compatibility suite.
import { strToU8, zipSync } from 'fflate';

export interface MockDocument {
  contentType: string;
  body: Uint8Array;
}

const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
const para = (text: string) => `<w:p><w:r><w:t xml:space="preserve">${text}</w:t></w:r></w:p>`;
const table = (rows: string[][]) =>
  `<w:tbl>${rows.map((r) => `<w:tr>${r.map((c) => `<w:tc>${para(c)}</w:tc>`).join('')}</w:tr>`).join('')}</w:tbl>`;

/** A minimal WordprocessingML package whose body is `body`. */
function docx(body: string): Uint8Array {
  return zipSync({
    '[Content_Types].xml': strToU8(
      '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
        '<Default Extension="xml" ContentType="application/xml"/>' +
        `<Override PartName="/word/document.xml" ContentType="${DOCX_TYPE.replace('document', 'document.main+xml')}"/></Types>`,
    ),
    '_rels/.rels': strToU8(
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
    ),
    'word/document.xml': strToU8(`<?xml version="1.0" encoding="UTF-8"?><w:document ${W}><w:body>${body}</w:body></w:document>`),
  });
}

const text = (contentType: string, body: string): MockDocument => ({ contentType, body: strToU8(body) });

export const MOCK_DOCUMENTS: Readonly<Record<string, MockDocument>> = {
  'notes.txt': text('text/plain; charset=utf-8', 'Shoal compat notes\nsecond line, café\n'),
  'readme.md': text('text/markdown', '# Readme\n\nSome *markdown* text.\n'),
  'page.html': text('text/html', '<html><body><h1>Hello</h1><p>a &amp; b</p></body></html>\n'),
  'data.json': text('application/json', '{"name":"shoal","tags":["a","b"],"count":3,"nested":{"ok":true}}'),
  'table.csv': text('text/csv', 'item,qty,note\nbolt,3,"M4, steel"\nnut,5,\n'),
  'report.docx': {
    contentType: DOCX_TYPE,
    body: docx(
      para('Quarterly report') +
        para('Sales grew.') +
        table([
          ['region', 'sales'],
          ['north', '12'],
          ['south', '7'],
        ]),
    ),
  },
};
