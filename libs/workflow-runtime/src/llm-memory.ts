// An LLM node's memory (Dify's MemoryConfig): the conversation's earlier turns in its prompt.
//
// As Dify builds it (graphon llm_utils.fetch_prompt_messages, api/core/memory/token_buffer_memory.py):
// the turns are the newest `window.size` (at most 500; 500 when the window is off), oldest first.
// A chat-model prompt is the node's messages, then one user and one assistant message per turn, then
// the query (`query_prompt_template` rendered, or sys.query when it is empty) as the last user
// message. A completion-model prompt gets the turns as text, "<user prefix>: query" and
// "<assistant prefix>: answer" lines, in place of `#histories#` in its first message (or ahead of it),
// and `#sys.query#` replaced by the query. Dify also drops the oldest turns past the model's context
// window by token count; Shoal does not count tokens, so the window and the engine's bound on loaded
// turns are what limit the history.
import type { LlmRole } from './ports';

/** One earlier turn of the conversation: what the user asked and what the chatflow answered. */
export interface HistoryTurn {
  query: string;
  answer: string;
}

export interface LlmMemoryConfig {
  /** How many of the newest turns the prompt gets. */
  turns: number;
  /** Completion models: the prefixes of the history's lines. */
  rolePrefix: { user: string; assistant: string } | null;
  /** The last user message's template; '' means sys.query as it is. */
  queryPromptTemplate: string;
}

/** Dify's cap on the turns one memory loads (TokenBufferMemory). */
export const MAX_MEMORY_TURNS = 500;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The node's memory config, or null when it has none (Dify's `memory: null`). */
export function llmMemoryOf(memory: unknown): LlmMemoryConfig | null {
  if (!isRecord(memory)) return null;
  const window = isRecord(memory.window) ? memory.window : {};
  const size = typeof window.size === 'number' && Number.isInteger(window.size) ? window.size : 0;
  const turns = window.enabled === true && size > 0 ? Math.min(size, MAX_MEMORY_TURNS) : MAX_MEMORY_TURNS;
  const prefix = isRecord(memory.role_prefix) ? memory.role_prefix : null;
  return {
    turns,
    rolePrefix: prefix ? { user: String(prefix.user ?? ''), assistant: String(prefix.assistant ?? '') } : null,
    queryPromptTemplate: typeof memory.query_prompt_template === 'string' ? memory.query_prompt_template : '',
  };
}

/** The node types that may have a memory. */
const MEMORY_NODE_TYPES: ReadonlySet<string> = new Set(['llm', 'question-classifier', 'parameter-extractor']);

/** How many earlier turns a run of `graph` can use: the widest memory window of its LLM nodes (0 without memory). */
export function memoryTurnsOf(graph: { nodes: ReadonlyArray<{ data: { type: string } }> }): number {
  let turns = 0;
  for (const node of graph.nodes) {
    if (!MEMORY_NODE_TYPES.has(node.data.type)) continue;
    const memory = llmMemoryOf((node.data as { memory?: unknown }).memory);
    if (memory) turns = Math.max(turns, memory.turns);
  }
  return turns;
}

/** The newest `config.turns` turns, oldest first. */
export function memoryWindow(history: readonly HistoryTurn[], config: LlmMemoryConfig): readonly HistoryTurn[] {
  return history.length <= config.turns ? history : history.slice(history.length - config.turns);
}

/** A chat model's history: a user and an assistant message per turn. */
export function historyMessages(turns: readonly HistoryTurn[]): Array<{ role: LlmRole; content: string }> {
  const out: Array<{ role: LlmRole; content: string }> = [];
  for (const t of turns) out.push({ role: 'user', content: t.query }, { role: 'assistant', content: t.answer });
  return out;
}

/** A completion model's history as text (graphon convert_history_messages_to_text). */
export function historyText(turns: readonly HistoryTurn[], prefix: { user: string; assistant: string }): string {
  const lines: string[] = [];
  for (const t of turns) lines.push(`${prefix.user}: ${t.query}`, `${prefix.assistant}: ${t.answer}`);
  return lines.join('\n');
}

/** A completion prompt with its history and query put in (graphon _update_completion_prompt_content). */
export function withCompletionHistory(prompt: string, history: string, query: string): string {
  let out = prompt.includes('#histories#') ? prompt.replaceAll('#histories#', () => history) : `${history}\n${prompt}`;
  if (query) out = out.replaceAll('#sys.query#', () => query);
  return out;
}
