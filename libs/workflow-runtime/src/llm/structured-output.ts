// Dify's structured output for the LLM node: the answer must be a JSON object matching the node's
// JSON schema. Where the model's API can hold it to the schema (OpenAI's json_schema response format)
// or to JSON (DeepSeek's JSON mode), that is asked for; otherwise the schema goes in the prompt. In
// every case the answer is parsed and validated (@cfworker/json-schema, an interpreter: a user's schema
// is never compiled to code), and a wrong answer gets one repair call that tells the model what was wrong.
import { Validator, type OutputUnit } from '@cfworker/json-schema';
import type { LlmMessage, LlmResponseFormat } from '../ports';
import { isObject, parseJsonMarkdown, stripThinkTags } from './json-in-text';

export type StructuredOutputMode = 'json_schema' | 'json_object' | 'prompt';

/**
 * What the model's API supports, by model family: OpenAI's GPT-4o and later take a JSON schema;
 * DeepSeek takes JSON mode; any other model (the mock, unknown OpenAI-compatible ones) gets the schema
 * in its prompt. Both API modes still get the schema in the prompt: JSON mode needs the word "JSON"
 * there, and a prompt that states the schema costs little.
 */
export function structuredOutputModeOf(model: string): StructuredOutputMode {
  const m = model.toLowerCase();
  if (/^(gpt-4o|gpt-4\.1|gpt-5|o1|o3|o4)/.test(m)) return 'json_schema';
  if (m.startsWith('deepseek')) return 'json_object';
  return 'prompt';
}

export function responseFormatFor(mode: StructuredOutputMode, schema: Record<string, unknown>): LlmResponseFormat | undefined {
  if (mode === 'json_schema') return { type: 'json_schema', name: 'structured_output', schema };
  if (mode === 'json_object') return { type: 'json_object' };
  return undefined;
}

/** The instruction put at the head of the system prompt. */
export function structuredOutputInstruction(schema: Record<string, unknown>): string {
  return (
    'You must answer with one JSON object that matches this JSON schema, and nothing else: no prose, no code fence.\n' +
    `JSON schema:\n${JSON.stringify(schema)}`
  );
}

/** The prompt with the instruction in its system message (a new one at the front when it has none). */
export function withStructuredOutputInstruction(messages: LlmMessage[], schema: Record<string, unknown>): LlmMessage[] {
  const instruction = structuredOutputInstruction(schema);
  const i = messages.findIndex((m) => m.role === 'system' && typeof m.content === 'string');
  if (i < 0) return [{ role: 'system', content: instruction }, ...messages];
  const out = [...messages];
  out[i] = { ...out[i], content: `${instruction}\n\n${out[i].content as string}` };
  return out;
}

export type StructuredParse = { ok: true; value: Record<string, unknown> } | { ok: false; problem: string };

// graph versions are immutable: one validator per schema object
const validators = new WeakMap<object, Validator>();
const MAX_REPORTED = 5;
// summary entries ("property x does not match") whose detail is reported by the entries under them
const SUMMARY_KEYWORDS = new Set(['properties', 'items', 'prefixItems', 'allOf', '$ref', 'additionalItems', 'unevaluatedProperties']);

/** The answer's JSON object if it matches the schema, else what is wrong with it, in words a model (and a user) can act on. */
export function parseStructuredOutput(text: string, schema: Record<string, unknown>): StructuredParse {
  let value: unknown;
  try {
    value = parseJsonMarkdown(stripThinkTags(text));
  } catch (err) {
    return { ok: false, problem: `the answer is not JSON (${(err as Error).message})` };
  }
  if (!isObject(value))
    return { ok: false, problem: `the answer is JSON but not an object (got ${Array.isArray(value) ? 'an array' : typeof value})` };
  let validator = validators.get(schema);
  if (!validator) {
    validator = new Validator(schema as ConstructorParameters<typeof Validator>[0], '2020-12', false);
    validators.set(schema, validator);
  }
  const result = validator.validate(value);
  if (result.valid) return { ok: true, value };
  return { ok: false, problem: `the answer does not match the schema: ${describeErrors(result.errors)}` };
}

function describeErrors(errors: readonly OutputUnit[]): string {
  const specific = errors.filter((e) => !SUMMARY_KEYWORDS.has(e.keyword));
  const shown = (specific.length ? specific : errors).slice(0, MAX_REPORTED);
  const text = shown.map((e) => `${e.instanceLocation.replace(/^#/, '') || '/'}: ${e.error}`).join('; ');
  const more = (specific.length || errors.length) - shown.length;
  return more > 0 ? `${text}; and ${more} more` : text;
}

/** The repair call's prompt: the first prompt, the wrong answer, and what was wrong with it. */
export function repairMessages(messages: LlmMessage[], answer: string, problem: string): LlmMessage[] {
  return [
    ...messages,
    { role: 'assistant', content: answer },
    {
      role: 'user',
      content: `Your answer was not accepted: ${problem}. Answer again with only the JSON object, matching the JSON schema.`,
    },
  ];
}
