// An LLM node's reasoning (Dify's `reasoning_format`), kept in the text or split from it.
//
// Dify's model runtime hands a provider's separate reasoning (DeepSeek's `reasoning_content`) on
// inside the text, wrapped as "<think>\n…\n</think>", and the node then:
// - `tagged` (the default): keeps the text as it is, `<think>` block included; reasoning_content is ''.
// - `separated`: removes every `<think>…</think>` block (and a trailing unclosed one) from the text
//   and puts their contents, trimmed and joined by "\n", in reasoning_content; the text's blank-line
//   runs are collapsed and it is trimmed (graphon nodes/llm/reasoning.py split_reasoning). While
//   streaming, `<think>` blocks are held back from the text stream.
// Shoal's LLM port returns the provider's reasoning apart from the text, so `tagged` puts it back in
// front of the text the way Dify's runtime does.

export type ReasoningFormat = 'tagged' | 'separated';

export function reasoningFormatOf(value: unknown): ReasoningFormat {
  return value === 'separated' ? 'separated' : 'tagged';
}

const THINK_OPEN = '<think>\n';
const THINK_CLOSE = '\n</think>';
// graphon's _THINK_PATTERN and _THINK_OPEN_TRAILING_RE; the attribute part bounded as there
const OPEN_TAG = String.raw`<think(?:\s[^<>]{0,256})?>`;
const THINK_BLOCK = new RegExp(String.raw`${OPEN_TAG}([\s\S]*?)</think>`, 'gi');
const TRAILING_OPEN = new RegExp(String.raw`${OPEN_TAG}((?:(?!</think>)[\s\S])*)$`, 'i');

/** The node's `text` and `reasoning_content` from what the model returned. */
export function finalTexts(format: ReasoningFormat, text: string, reasoning: string): { text: string; reasoning: string } {
  const full = reasoning ? `${THINK_OPEN}${reasoning}${THINK_CLOSE}${text}` : text;
  if (format === 'tagged') return { text: full, reasoning: '' };
  const parts: string[] = [];
  let clean = full.replace(THINK_BLOCK, (_m, inner: string) => {
    if (inner.trim()) parts.push(inner.trim());
    return '';
  });
  const trailing = TRAILING_OPEN.exec(clean);
  if (trailing) {
    if (trailing[1].trim()) parts.push(trailing[1].trim());
    clean = clean.slice(0, trailing.index);
  }
  return { text: clean.replace(/\n\s*\n/g, '\n\n').trim(), reasoning: parts.join('\n') };
}

/**
 * Turns the port's text and reasoning deltas into the node's text stream: in `tagged` mode the
 * reasoning wrapped in `<think>` ahead of the text (as it ends up in `text`); in `separated` mode the
 * text alone, with `<think>` blocks the model wrote into it held back.
 */
export class ReasoningStream {
  private thinking = false;
  private inTag = false;
  private held = '';

  constructor(
    private readonly format: ReasoningFormat,
    private readonly out: (text: string) => void,
  ) {}

  reasoning(delta: string): void {
    if (this.format !== 'tagged' || delta === '') return;
    if (!this.thinking) {
      this.thinking = true;
      this.out(THINK_OPEN);
    }
    this.out(delta);
  }

  text(delta: string): void {
    if (delta === '') return;
    if (this.thinking) {
      this.thinking = false;
      this.out(THINK_CLOSE);
    }
    if (this.format === 'tagged') return this.out(delta);
    this.filter(delta);
  }

  /** The stream ended: close an open `<think>`, let go of text held for a tag that never completed. */
  end(): void {
    if (this.thinking) {
      this.thinking = false;
      this.out(THINK_CLOSE);
    }
    if (!this.inTag && this.held) this.out(this.held);
    this.held = '';
  }

  private filter(delta: string): void {
    let work = this.held + delta;
    this.held = '';
    let visible = '';
    while (work) {
      const lower = work.toLowerCase();
      if (this.inTag) {
        const close = lower.indexOf('</think>');
        if (close < 0) {
          // keep what could be the start of '</think>'
          this.held = work.slice(Math.max(0, work.length - 7));
          work = '';
        } else {
          this.inTag = false;
          work = work.slice(close + '</think>'.length);
        }
        continue;
      }
      const open = /<think(?:\s[^<>]{0,256})?>/i.exec(work);
      if (open) {
        visible += work.slice(0, open.index);
        this.inTag = true;
        work = work.slice(open.index + open[0].length);
        continue;
      }
      // hold a trailing '<', '<th', '<think ...' that a later delta may complete into a tag
      const partial = /<(?:t(?:h(?:i(?:n(?:k(?:\s[^<>]{0,256})?)?)?)?)?)?$/i.exec(work);
      const cut = partial ? partial.index : work.length;
      visible += work.slice(0, cut);
      this.held = work.slice(cut);
      work = '';
    }
    if (visible) this.out(visible);
  }
}
