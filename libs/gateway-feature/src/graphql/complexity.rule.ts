// A query's cost, checked before it runs: every field costs 1, and what is selected under a list
// costs as many times as the list may hold: its `first` argument, or that of the page it is in
// (`workflows(first: 50) { nodes { … } }`), or the default page size. A `first` given by a variable
// counts as the largest page, so the rule needs no variables and queries can be cached. Depth is
// bounded separately (mercurius' queryDepth). One query cannot make the server load thousands of rows.
import {
  GraphQLError,
  Kind,
  getNamedType,
  getNullableType,
  isInterfaceType,
  isListType,
  isObjectType,
  type ASTVisitor,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLInterfaceType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';

export const DEFAULT_LIST_SIZE = 20;
export const MAX_LIST_SIZE = 100;

type Composite = GraphQLObjectType | GraphQLInterfaceType;

function firstArgument(field: FieldNode): number | undefined {
  const arg = field.arguments?.find((a) => a.name.value === 'first');
  if (!arg) return undefined;
  return arg.value.kind === Kind.INT ? Math.min(MAX_LIST_SIZE, Math.max(1, Number(arg.value.value))) : MAX_LIST_SIZE;
}

function composite(type: unknown): Composite | undefined {
  return isObjectType(type) || isInterfaceType(type) ? type : undefined;
}

export function selectionCost(
  schema: GraphQLSchema,
  set: SelectionSetNode | undefined,
  parent: Composite | undefined,
  fragments: Record<string, FragmentDefinitionNode>,
  pageSize?: number,
  seen: ReadonlySet<string> = new Set(),
): number {
  if (!set || !parent) return 0;
  let cost = 0;
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      const def = parent.getFields()[sel.name.value];
      if (!def) {
        cost += 1; // __typename and the like (unknown fields are another rule's error)
        continue;
      }
      const own = firstArgument(sel);
      const list = isListType(getNullableType(def.type));
      const size = list ? (own ?? pageSize ?? DEFAULT_LIST_SIZE) : 1;
      // a page (workflows, runs) hands its `first` down to the list inside it
      cost +=
        1 + size * selectionCost(schema, sel.selectionSet, composite(getNamedType(def.type)), fragments, list ? undefined : own, seen);
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      const on = sel.typeCondition ? composite(schema.getType(sel.typeCondition.name.value)) : parent;
      cost += selectionCost(schema, sel.selectionSet, on, fragments, pageSize, seen);
    } else {
      const name = sel.name.value;
      // a fragment spread cycle is invalid GraphQL (another rule reports it); count it once
      if (seen.has(name)) continue;
      const fragment = fragments[name];
      if (fragment)
        cost += selectionCost(
          schema,
          fragment.selectionSet,
          composite(schema.getType(fragment.typeCondition.name.value)),
          fragments,
          pageSize,
          new Set([...seen, name]),
        );
    }
  }
  return cost;
}

/** A validation rule refusing operations that may cost more than `maxCost`. */
export function complexityRule(maxCost: number) {
  return (context: ValidationContext): ASTVisitor => {
    const schema = context.getSchema();
    const fragments: Record<string, FragmentDefinitionNode> = {};
    for (const def of context.getDocument().definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments[def.name.value] = def;
    return {
      OperationDefinition(node) {
        const root =
          node.operation === 'query'
            ? schema.getQueryType()
            : node.operation === 'mutation'
              ? schema.getMutationType()
              : schema.getSubscriptionType();
        const cost = selectionCost(schema, node.selectionSet, root ?? undefined, fragments);
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
