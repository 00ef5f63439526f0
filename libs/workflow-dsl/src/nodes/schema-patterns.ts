// The regular expressions a user's JSON schema carries (`pattern`, the keys of `patternProperties`)
// run, at validation time, against text a model wrote, in the engine's event loop: JavaScript's
// backtracking engine takes exponential time on patterns with nested quantifiers, so one hostile
// schema could stall every run the engine holds. Such patterns are refused before the workflow is
// stored; the runtime also caps the strings it tests them against (structured-output.ts).
import safeRegex from 'safe-regex2';
import type { PathSegment } from '../validation-issue';
import type { LocalIssue } from '../zod-issues';

/** Longest pattern accepted, in characters. */
export const MAX_SCHEMA_PATTERN_CHARS = 1000;
/** Repetitions a pattern may hold (safe-regex2's limit), beyond the nesting it refuses outright. */
const MAX_REPETITIONS = 25;
// values, not schemas: a `pattern` inside them is data
const DATA_KEYWORDS = new Set(['const', 'enum', 'default', 'examples']);

/** A problem with each pattern in `schema` (at `path`), walking at most `maxDepth` levels. */
export function schemaPatternIssues(schema: unknown, path: PathSegment[], maxDepth: number): LocalIssue[] {
  const issues: LocalIssue[] = [];
  const walk = (node: unknown, at: PathSegment[], depth: number): void => {
    if (depth > maxDepth || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      node.forEach((v, i) => walk(v, [...at, i], depth + 1));
      return;
    }
    const record = node as Record<string, unknown>;
    if (typeof record.pattern === 'string') issues.push(...patternIssues(record.pattern, [...at, 'pattern']));
    const props = record.patternProperties;
    if (props !== null && typeof props === 'object' && !Array.isArray(props))
      for (const key of Object.keys(props)) issues.push(...patternIssues(key, [...at, 'patternProperties', key]));
    for (const [key, value] of Object.entries(record)) if (!DATA_KEYWORDS.has(key)) walk(value, [...at, key], depth + 1);
  };
  walk(schema, path, 0);
  return issues;
}

function patternIssues(pattern: string, path: PathSegment[]): LocalIssue[] {
  if (pattern.length > MAX_SCHEMA_PATTERN_CHARS)
    return [{ path, code: 'too_big', detail: `must be a regular expression of at most ${MAX_SCHEMA_PATTERN_CHARS} characters` }];
  try {
    // as JSON schema validators compile it
    new RegExp(pattern, 'u');
  } catch (err) {
    return [{ path, code: 'invalid_value', detail: `is not a valid regular expression (${(err as Error).message})` }];
  }
  if (!safeRegex(pattern, { limit: MAX_REPETITIONS }))
    return [
      {
        path,
        code: 'invalid_value',
        detail:
          'is a regular expression that can take exponential time (a quantifier inside a quantified group, such as (a+)+, or too many repetitions): rewrite it without nested repetition',
      },
    ];
  return [];
}
