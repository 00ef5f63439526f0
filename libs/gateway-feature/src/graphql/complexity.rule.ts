// A query's cost, checked before it runs: every field costs 1, and a field under a list costs as
// many times as the list may hold (its `first` argument, or the default page size). Depth is
// bounded separately (mercurius' queryDepth). One query can therefore not make the server load
// thousands of rows, whatever its shape.
import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type FieldNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValueNode,
} from 'graphql';

export const DEFAULT_LIST_SIZE = 20;
export const MAX_LIST_SIZE = 100;

/** The fields whose result is a list, and so multiply what is selected under them. */
const LIST_FIELDS = new Set(['workflows', 'runs', 'versions', 'nodeExecutions', 'usage', 'nodes', 'warnings']);

function intArgument(field: FieldNode, name: string, variables: Record<string, unknown>): number | undefined {
  const arg = field.arguments?.find((a) => a.name.value === name);
  if (!arg) return undefined;
  const v: ValueNode = arg.value;
  if (v.kind === Kind.INT) return Number(v.value);
  if (v.kind === Kind.VARIABLE) {
    const value = variables[v.name.value];
    return typeof value === 'number' ? value : undefined;
  }
  return undefined;
}

export function selectionCost(
  set: SelectionSetNode | undefined,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  seen: Set<string> = new Set(),
): number {
  if (!set) return 0;
  let cost = 0;
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      const size = LIST_FIELDS.has(sel.name.value)
        ? Math.min(MAX_LIST_SIZE, Math.max(1, intArgument(sel, 'first', variables) ?? DEFAULT_LIST_SIZE))
        : 1;
      cost += 1 + size * selectionCost(sel.selectionSet, fragments, variables, seen);
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      cost += selectionCost(sel.selectionSet, fragments, variables, seen);
    } else {
      const name = sel.name.value;
      // a fragment spread cycle is invalid GraphQL (another rule reports it); count it once
      if (seen.has(name)) continue;
      const fragment = fragments[name];
      if (fragment) cost += selectionCost(fragment.selectionSet, fragments, variables, new Set([...seen, name]));
    }
  }
  return cost;
}

/** A validation rule refusing operations that cost more than `maxCost`. */
export function complexityRule(maxCost: number, variables: () => Record<string, unknown> = () => ({})) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments: Record<string, FragmentDefinitionNode> = {};
    for (const def of context.getDocument().definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments[def.name.value] = def;
    return {
      OperationDefinition(node) {
        const cost = selectionCost(node.selectionSet, fragments, variables());
        if (cost > maxCost)
          context.reportError(
            new GraphQLError(
              `The query is too complex: it may cost ${cost} (fields times list sizes), more than the limit of ${maxCost}; ask for fewer fields or smaller pages (first)`,
              { nodes: [node], extensions: { code: 'query_too_complex', cost, limit: maxCost } },
            ),
          );
      },
    };
  };
}
