// Shoal's `text` provider: the small string chores Dify users otherwise write a code node for
// (replace, split, case, truncate, count, base64, URL encoding). Plain text only: no user regex,
// which could not be time-bounded in-process.
import {
  ToolInvokeError,
  str,
  textOutput,
  type BuiltinTool,
  type BuiltinToolProvider,
  type ToolParameterDeclaration,
} from './builtin-tool';

const content: ToolParameterDeclaration = { name: 'content', type: 'string', required: true, description: 'the text' };
/** Items a split may produce. */
const MAX_SPLIT_ITEMS = 10_000;

const replace: BuiltinTool = {
  name: 'text_replace',
  label: 'Replace Text',
  description: 'Replaces every occurrence of a text with another.',
  parameters: [
    content,
    { name: 'find', type: 'string', required: true, description: 'the text to find' },
    { name: 'replace_with', type: 'string', required: false, default: '', description: 'its replacement' },
  ],
  invoke(p) {
    const find = str(p, 'find');
    if (!find) throw new ToolInvokeError('find must not be empty');
    return textOutput(str(p, 'content').split(find).join(str(p, 'replace_with')));
  },
};

const split: BuiltinTool = {
  name: 'text_split',
  label: 'Split Text',
  description: 'Splits a text by a delimiter: text is the JSON array, json [{ items }].',
  parameters: [
    content,
    { name: 'delimiter', type: 'string', required: false, default: ',', description: 'the delimiter (\\n for lines)' },
    { name: 'trim', type: 'boolean', required: false, default: true, description: 'trim items and drop empty ones' },
  ],
  invoke(p) {
    const delimiter = str(p, 'delimiter').replace(/\\n/g, '\n').replace(/\\t/g, '\t') || ',';
    let items = str(p, 'content').split(delimiter, MAX_SPLIT_ITEMS + 1);
    if (items.length > MAX_SPLIT_ITEMS) throw new ToolInvokeError(`the text splits into more than ${MAX_SPLIT_ITEMS} items`);
    if (p.trim !== false) items = items.map((s) => s.trim()).filter(Boolean);
    return { text: JSON.stringify(items), json: [{ items }], files: [] };
  },
};

const CASES = ['upper', 'lower', 'title', 'capitalize'] as const;
const caseTool: BuiltinTool = {
  name: 'text_case',
  label: 'Change Case',
  description: 'Upper case, lower case, Title Case or Capitalized.',
  parameters: [content, { name: 'case', type: 'select', required: true, default: 'lower', options: CASES, description: 'the case' }],
  invoke(p) {
    const text = str(p, 'content');
    switch (str(p, 'case') || 'lower') {
      case 'upper':
        return textOutput(text.toUpperCase());
      case 'lower':
        return textOutput(text.toLowerCase());
      case 'title':
        return textOutput(text.toLowerCase().replace(/(^|[^\p{L}\p{N}'])(\p{L})/gu, (_, pre: string, c: string) => pre + c.toUpperCase()));
      case 'capitalize':
        return textOutput(text.charAt(0).toUpperCase() + text.slice(1).toLowerCase());
      default:
        throw new ToolInvokeError(`case must be one of ${CASES.join(', ')}`);
    }
  },
};

const truncate: BuiltinTool = {
  name: 'text_truncate',
  label: 'Truncate Text',
  description: 'Cuts a text to at most max_length characters, ending with suffix when cut.',
  parameters: [
    content,
    { name: 'max_length', type: 'number', required: true, description: 'characters kept, suffix included' },
    { name: 'suffix', type: 'string', required: false, default: '...', description: 'appended when cut' },
  ],
  invoke(p) {
    const max = Number(p.max_length);
    if (!Number.isInteger(max) || max < 0) throw new ToolInvokeError('max_length must be a whole number ≥ 0');
    const chars = [...str(p, 'content')];
    if (chars.length <= max) return textOutput(chars.join(''));
    const suffix = p.suffix === undefined ? '...' : str(p, 'suffix');
    return textOutput(chars.slice(0, Math.max(0, max - [...suffix].length)).join('') + suffix.slice(0, max));
  },
};

const count: BuiltinTool = {
  name: 'text_count',
  label: 'Count Text',
  description: 'Characters, words and lines of a text: json [{ characters, words, lines }].',
  parameters: [content],
  invoke(p) {
    const text = str(p, 'content');
    const counts = {
      characters: [...text].length,
      words: (text.match(/\S+/g) ?? []).length,
      lines: text ? text.split('\n').length : 0,
    };
    return { text: `${counts.characters} characters, ${counts.words} words, ${counts.lines} lines`, json: [counts], files: [] };
  },
};

const MODES = ['encode', 'decode'] as const;
const mode: ToolParameterDeclaration = {
  name: 'mode',
  type: 'select',
  required: true,
  default: 'encode',
  options: MODES,
  description: 'encode or decode',
};

const base64: BuiltinTool = {
  name: 'base64',
  label: 'Base64',
  description: 'Base64-encodes a text (UTF-8), or decodes Base64 to text.',
  parameters: [content, mode],
  invoke(p) {
    const text = str(p, 'content');
    if (str(p, 'mode') !== 'decode') return textOutput(Buffer.from(text, 'utf8').toString('base64'));
    const clean = text.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(clean)) throw new ToolInvokeError('content is not Base64');
    return textOutput(Buffer.from(clean, 'base64').toString('utf8'));
  },
};

const urlCodec: BuiltinTool = {
  name: 'url_codec',
  label: 'URL Encode',
  description: 'Percent-encodes a text for a URL component, or decodes one.',
  parameters: [content, mode],
  invoke(p) {
    const text = str(p, 'content');
    if (str(p, 'mode') !== 'decode') return textOutput(encodeURIComponent(text));
    try {
      return textOutput(decodeURIComponent(text.replace(/\+/g, ' ')));
    } catch {
      throw new ToolInvokeError('content is not valid percent-encoding');
    }
  },
};

export const textToolProvider: BuiltinToolProvider = {
  id: 'text',
  aliases: [],
  label: 'Text',
  tools: [replace, split, caseTool, truncate, count, base64, urlCodec],
};
