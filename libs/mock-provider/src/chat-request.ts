// The part of an OpenAI chat completion request the mock reads; everything else (temperature,
// tools, ...) is accepted and ignored, as a lenient provider would.
import { z } from 'zod';

const contentPart = z.looseObject({ type: z.string(), text: z.string().optional() });

export const chatRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z
    .array(
      z.looseObject({
        role: z.string(),
        content: z.union([z.string(), z.array(contentPart), z.null()]).optional(),
      }),
    )
    .min(1),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
});
export type ChatRequest = z.infer<typeof chatRequestSchema>;

export interface RequestProblem {
  message: string;
  param: string | null;
  code: string | null;
}

/** The first problem of an invalid request, worded and coded like OpenAI's 400s. */
export function describeProblem(error: z.ZodError, body: unknown): RequestProblem {
  const issue = error.issues[0];
  const param = issue.path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)),
    '',
  );
  if (isMissing(body, issue.path)) {
    return { message: `Missing required parameter: '${param}'.`, param, code: 'missing_required_parameter' };
  }
  return {
    message: `Invalid value for '${param}': ${issue.message}.`,
    param,
    code: issue.code === 'invalid_type' ? 'invalid_type' : 'invalid_value',
  };
}

function isMissing(body: unknown, path: ReadonlyArray<PropertyKey>): boolean {
  let node: unknown = body;
  for (const key of path) {
    if (node === null || typeof node !== 'object' || !(key in node)) return true;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node === undefined;
}
