import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type FieldNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';

/**
 * A query's cost counts what it can return: every field costs 1, and a list field multiplies
 * the cost of what it selects by the number of items it may return, its `first` argument when
 * written as a literal, a variable's assumed page (validation cannot see variables: results are cached
 * per document), a bound the domain sets (BOUNDED), else DEFAULT_LIST_SIZE. So `loans(first: 200) { schedule { … } }` costs
 * what 200 loans with their schedules cost, and aliases or nesting cannot hide a large answer.
 */
export const DEFAULT_LIST_SIZE = 20;
/** `first: $n` is not known until execution: assume the largest page the services allow for most lists. */
export const VARIABLE_LIST_SIZE = 50;

/** Lists the domain bounds (24 months of history, a 5-year loan's 60 instalments, a posting's few legs). */
const BOUNDED: Record<string, number> = {
  'CreditAccount.statusHistory': 24,
  'LedgerTransaction.entries': 8,
  'Application.reviews': 2,
  'Review.eligibilityReasons': 15,
  'Review.factors': 10,
  'CreditScore.factors': 10,
  'Quote.reasons': 15,
  'Loan.schedule': 60,
  'Repayment.allocation': 60,
  'Claim.recoveries': 20,
  'FundBalances.riskReserves': 20,
  'ProgrammeMetrics.monthly': 60,
  'ProgrammeMetrics.byCounty': 20,
  'ProgrammeMetrics.byCategory': 3,
  'ProgrammeMetrics.bySector': 20,
  'ProgrammeMetrics.byBank': 20,
  'ProgrammeMetrics.byInsurer': 20,
  'ProgrammeMetrics.leagueTable': 40,
  'ProgrammeParameters.categoryCaps': 3,
  'ProgrammeParameters.benchmarkRates': 20,
  'ProgrammeParameters.terms': 10,
  'ProgrammeParameters.gradeMultipliers': 5,
  'BenchmarkRateEntry.bands': 5,
};

/** graphql's types, duck-typed: the schema may come from graphql's CommonJS build and this file from its ESM one. */
interface TypeLike {
  name?: string;
  ofType?: TypeLike;
  toString(): string;
  getFields?: () => Record<string, { type: TypeLike }>;
}

const named = (t: TypeLike): TypeLike => (t.ofType ? named(t.ofType) : t);
const isList = (t: TypeLike) => t.toString().replace(/!$/, '').startsWith('[');

/** The page size a field asks for: its `first` literal, a variable's worst case, or undefined when it has none. */
function pageSize(field: FieldNode): number | undefined {
  const first = field.arguments?.find((a) => a.name.value === 'first');
  if (!first) return undefined;
  return first.value.kind === Kind.INT ? Math.max(1, Number(first.value.value)) : VARIABLE_LIST_SIZE;
}

export function listCostRule(maxCost: number) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const d of context.getDocument().definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    const schema = context.getSchema();

    /** `page`: the size a connection field (customers(first: 20) { nodes }) passes to the lists inside it. */
    function cost(set: SelectionSetNode | undefined, type: TypeLike | undefined | null, seen: Set<string>, page?: number): number {
      if (!set || !type) return 0;
      let total = 0;
      for (const s of set.selections) {
        if (s.kind === Kind.FIELD) {
          const def = type.getFields?.()[s.name.value];
          if (!def) continue; // unknown fields are another rule's error
          const asked = pageSize(s);
          const list = isList(def.type);
          const inner = s.selectionSet ? cost(s.selectionSet, named(def.type), seen, list ? undefined : asked) : 0;
          total += 1 + (list ? (asked ?? page ?? BOUNDED[`${type.name}.${s.name.value}`] ?? DEFAULT_LIST_SIZE) : 1) * inner;
        } else if (s.kind === Kind.INLINE_FRAGMENT) {
          const on = s.typeCondition ? (schema.getType(s.typeCondition.name.value) as TypeLike | undefined) : type;
          total += cost(s.selectionSet, on, seen, page);
        } else {
          const f = fragments.get(s.name.value);
          if (!f || seen.has(f.name.value)) continue; // cycles are another rule's error
          total += cost(
            f.selectionSet,
            schema.getType(f.typeCondition.name.value) as TypeLike | undefined,
            new Set([...seen, f.name.value]),
            page,
          );
        }
      }
      return total;
    }

    return {
      OperationDefinition(op) {
        const root = (
          op.operation === 'query'
            ? schema.getQueryType()
            : op.operation === 'mutation'
              ? schema.getMutationType()
              : schema.getSubscriptionType()
        ) as TypeLike | null;
        const total = cost(op.selectionSet, root, new Set());
        if (total > maxCost) {
          context.reportError(
            new GraphQLError(
              `Query cost limit exceeded: this query could return ${total} values, the limit is ${maxCost}; ask for fewer items (first) or fewer fields`,
              {
                nodes: [op],
              },
            ),
          );
        }
      },
    };
  };
}
