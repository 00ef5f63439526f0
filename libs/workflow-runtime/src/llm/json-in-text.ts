// Finding the JSON a model wrote inside its answer, the two ways Dify does it.

/**
 * graphon's parse_json_markdown: the first ```json / ``` / ` fence or `{` / `[` up to the last
 * closing fence or bracket, parsed. Throws a SyntaxError (bad JSON) or an Error (no JSON found).
 */
export function parseJsonMarkdown(text: string): unknown {
  const s = text.trim();
  let start = -1;
  for (const marker of ['```json', '```', '``', '`', '{', '[']) {
    start = s.indexOf(marker);
    if (start !== -1) {
      if (s[start] !== '{' && s[start] !== '[') start += marker.length;
      break;
    }
  }
  let end = -1;
  if (start !== -1)
    for (const marker of ['```', '``', '`', '}', ']']) {
      end = s.lastIndexOf(marker);
      if (end !== -1 && end >= start) {
        if (s[end] === '}' || s[end] === ']') end += 1;
        break;
      }
      end = -1;
    }
  if (start === -1 || end === -1 || start >= end) throw new Error('could not find json block in the output.');
  return JSON.parse(s.slice(start, end).trim());
}

/**
 * graphon's parse_and_check_json_markdown with no expected keys: the JSON object of the answer (a
 * one-object list counts as its object). Throws with Dify's messages otherwise.
 */
export function parseJsonObjectMarkdown(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = parseJsonMarkdown(text);
  } catch (err) {
    if (err instanceof SyntaxError) throw new Error(`got invalid json object. error: ${err.message}`);
    throw err;
  }
  if (Array.isArray(value)) {
    if (value.length === 1 && isObject(value[0])) return value[0];
    throw new Error(`got invalid return object. obj:${JSON.stringify(value)}`);
  }
  if (!isObject(value)) throw new Error(`got invalid return object. obj:${JSON.stringify(value)}`);
  return value;
}

/**
 * graphon parameter_extractor's extract_json + _extract_complete_json_response: from each `{` or `[`
 * in turn, the balanced bracket run that follows, the first that parses as a JSON object.
 */
export function firstJsonObjectIn(text: string): Record<string, unknown> | null {
  let tries = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== '{' && c !== '[') continue;
    // each try scans the rest of the text: bounded, so a long answer of brackets stays linear
    if (++tries > MAX_JSON_STARTS) return null;
    const candidate = balancedRun(text, i);
    if (!candidate) continue;
    try {
      const parsed: unknown = JSON.parse(candidate);
      if (isObject(parsed)) return parsed;
    } catch {
      // the next opening bracket may start one that parses
    }
  }
  return null;
}

const MAX_JSON_STARTS = 64;

function balancedRun(text: string, from: number): string | null {
  const stack: string[] = [];
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '{' || c === '[') stack.push(c);
    else if (c === '}' || c === ']') {
      if (!stack.length) return text.slice(from, i);
      const open = stack[stack.length - 1];
      if ((c === '}' && open === '{') || (c === ']' && open === '[')) {
        stack.pop();
        if (!stack.length) return text.slice(from, i + 1);
      } else return text.slice(from, i);
    }
  }
  return null;
}

/** graphon's _strip_think_tags: a reasoning model's `<think>` blocks removed before parsing. */
export function stripThinkTags(text: string): string {
  return text.includes('<think') ? text.replace(/<think[^>]*>[\s\S]*?<\/think>/gi, '') : text;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
