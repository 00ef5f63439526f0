// The one shape every validation problem takes, and the helpers that phrase it.

export type ValidationIssueCode =
  | 'required'
  | 'invalid_type'
  | 'invalid_value'
  | 'invalid_format'
  | 'too_small'
  | 'too_big'
  | 'unknown_node_type'
  | 'invalid_node_id'
  | 'reserved_node_id'
  | 'duplicate_node_id'
  | 'duplicate_edge_id'
  | 'duplicate_edge'
  | 'duplicate_variable'
  | 'missing_start'
  | 'multiple_start'
  | 'missing_end'
  | 'unknown_edge_node'
  | 'unknown_source_handle'
  | 'self_loop'
  | 'cycle'
  | 'unreachable_node'
  | 'unknown_variable_reference'
  | 'reference_not_upstream'
  | 'unsupported'
  | 'invalid_container';

export interface ValidationIssue {
  /** JSON-path-like location rooted at the validated document: `nodes[1].data.model.name`, `inputs.question`. */
  path: string;
  nodeId?: string;
  code: ValidationIssueCode;
  message: string;
}

export type PathSegment = string | number;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (!IDENTIFIER.test(segment)) out += `[${JSON.stringify(segment)}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}

/** A short description of a value for messages: `number`, `array`, `string 'abc'`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.length > 40 ? `string '${value.slice(0, 37)}...'` : `string '${value}'`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return typeof value === 'object' ? 'an object' : typeof value;
}

export function quoteList(values: readonly unknown[]): string {
  return values.map((v) => (typeof v === 'string' ? `'${v}'` : String(v))).join(', ');
}
