import { deny, rule, shield } from 'graphql-shield';
import { middleware } from 'graphql-middleware';
import type { GraphQLNamedType, GraphQLOutputType, GraphQLSchema } from 'graphql';
import type { Context } from './context.js';
import { ROLES, type Role } from './domain.js';
import { forbidden, unauthenticated } from './errors.js';

/**
 * The coarse gate, and only that: signed in or not; personal credit data never to GOVERNMENT
 * or ADMIN tokens; aggregates only to GOVERNMENT and ADMIN. Deny by default. Who may call an
 * operation and whether *this* claim or loan is yours is each module's policy.ts.
 *
 * The gate sits on the root fields only (Query, Mutation, Subscription): nested fields run
 * their own resolvers, unwrapped. The split by type is kept without a rule per field: a root
 * field's rule is the intersection of its own role set and the role sets of every type it can
 * reach (through fields, interfaces and unions). A root that can reach a personal type is
 * never answered to GOVERNMENT or ADMIN, whatever the selection.
 */
type Rule = ReturnType<ReturnType<typeof rule>>;
const roleRules = new Map<string, Rule>();
/** One rule instance per role set (shield refuses two rules with one name). */
const role = (...roles: Role[]): Rule => {
  const sorted = ROLES.filter((r) => roles.includes(r));
  const name = sorted.length === ROLES.length ? 'signedIn' : `role:${sorted.join('|')}`;
  let r = roleRules.get(name);
  if (!r) {
    r = rule(name, { cache: 'contextual' })((_parent, _args, ctx: Context) => {
      if (!ctx.actor) return ctx.authError ?? unauthenticated();
      return sorted.includes(ctx.actor.role);
    });
    roleRules.set(name, r);
  }
  return r;
};

const EVERYONE: readonly Role[] = ROLES;
/** Personal credit data: never to GOVERNMENT or ADMIN tokens, whatever field returns it. */
export const PERSONAL_ROLES: readonly Role[] = ['BANK', 'INSURER', 'BORROWER'];
/** Public records and the disputes of them: also the authority that furnished them. */
export const PUBLIC_RECORD_ROLES: readonly Role[] = ['BANK', 'INSURER', 'BORROWER', 'DATA_SOURCE'];
/** Programme aggregates: the finance bureau's view and its administrators'. */
export const AGGREGATE_ROLES: readonly Role[] = ['GOVERNMENT', 'ADMIN'];
/**
 * A dispute: its borrower, the furnisher or authority that answers it, and an admin (the
 * overdue list, identity disputes). Whose words each may read is the disputes policy's.
 */
export const DISPUTE_ROLES: readonly Role[] = ['BANK', 'INSURER', 'BORROWER', 'DATA_SOURCE', 'ADMIN'];

export const signedIn = role(...EVERYONE);
export const seesPersonalData = role(...PERSONAL_ROLES);
export const seesPublicRecords = role(...PUBLIC_RECORD_ROLES);
export const seesAggregates = role(...AGGREGATE_ROLES);

/** Types that describe one person's credit, or a decision about one person. */
export const PERSONAL_TYPES = [
  'Borrower',
  'CreditProfile',
  'CreditAccount',
  'StatusMonth',
  'DisputeFlag',
  'CreditSummary',
  'InquiryRecord',
  'Consent',
  'Customer',
  'CustomerConnection',
  'FurnishResult',
  'Quote',
  'LoanRequestTerms',
  'EligibilityReason',
  'CreditScore',
  'ScoreFactor',
  'Price',
  'Application',
  'Review',
  'Policy',
  'Loan',
  'Instalment',
  'Repayment',
  'RepaymentAllocation',
  'BorrowerRegistration',
  'Notice',
  'CorrectionMark',
  'Decision',
  'HumanReview',
  'Override',
  'SettlementQuote',
  'LoanSettlement',
  'SpecialTransaction',
  'LoanExtension',
  'Endorsement',
  'Requote',
  'Alert',
  'AlertEdge',
  'AlertConnection',
] as const;
/** A person's public records and what is attached to them: also to the authority that furnished them. */
export const PUBLIC_RECORD_TYPES = ['PublicRecord', 'PublicRecordConnection', 'Objection', 'PersonalStatement'] as const;
export const AGGREGATE_TYPES = ['ProgrammeMetrics', 'MetricCell', 'Leverage', 'LeagueRow', 'TrialBalance'] as const;
export const DISPUTE_TYPES = ['Dispute'] as const;
/**
 * Types any signed-in caller may be handed (the root field's own rule and its policy decide
 * more). Every object type is in exactly one list: a new type fails buildSchema until a human
 * says which it is.
 */
export const SIGNED_IN_TYPES = [
  'PageInfo',
  'Me',
  'AuditEntry',
  'AuditConnection',
  'ConsentPurposeRule',
  'Institution',
  'RiskReserve',
  'FundBalances',
  'LedgerEntry',
  'LedgerTransaction',
  'FundDeposit',
  'PolicyPremiumYear',
  'CourtConfirmation',
  'RecoveryShares',
  'Recovery',
  'Claim',
  'AgeingRun',
  'GovernmentMoney',
  'FundRunway',
  'MetricsPeriod',
  'WebhookEndpoint',
  'WebhookDelivery',
  'ReplayResult',
  'EventProcessing',
  'CategoryCap',
  'BenchmarkBand',
  'BenchmarkRateEntry',
  'TermOffer',
  'GradeMultiplier',
  'StartupPhase',
  'LossShares',
  'RiskCompensationTerms',
  'MonitoringThresholds',
  'ProgrammeParameters',
  'PremiumYear',
] as const;

const ROOT_TYPES = ['Query', 'Mutation', 'Subscription'] as const;

/** Who may be handed a value of each classified type. */
export const TYPE_CLASSES: ReadonlyArray<{ name: string; types: readonly string[]; roles: readonly Role[] }> = [
  { name: 'personal', types: PERSONAL_TYPES, roles: PERSONAL_ROLES },
  { name: 'public record', types: PUBLIC_RECORD_TYPES, roles: PUBLIC_RECORD_ROLES },
  { name: 'aggregate', types: AGGREGATE_TYPES, roles: AGGREGATE_ROLES },
  { name: 'dispute', types: DISPUTE_TYPES, roles: DISPUTE_ROLES },
  { name: 'signed in', types: SIGNED_IN_TYPES, roles: EVERYONE },
];

/** Root fields that return a person's records or aggregates; every other root field needs a signed-in caller. */
const PERSONAL_ROOTS = [
  'creditProfile',
  'myCreditProfile',
  'myConsents',
  'customers',
  'myDisputes',
  'quote',
  'application',
  'applications',
  'policy',
  'loan',
  'loans',
  'myNotices',
  'myDecisions',
  'humanReviewsToAnswer',
  'settlementQuote',
  // a watching institution's alerts about a borrower (the monitoring policy narrows to BANK and INSURER)
  'alerts',
  'borrowerAlerts',
  'acknowledgeAlert',
];
/** Roots that hand out public records: the readers of personal data and the authorities. */
const PUBLIC_RECORD_ROOTS = ['furnishedPublicRecords'];
// disputesToAnswer stays signedIn: banks, insurers, authorities and (identity disputes) ADMIN answer them; its policy decides.
const AGGREGATE_ROOTS = ['programmeMetrics', 'programMetrics', 'trialBalance'];
/** A bank's or insurer's own webhook endpoints and deliveries. */
const WEBHOOK_ROOTS = ['webhooks', 'webhookDeliveries', 'registerWebhook', 'rotateWebhookSecret', 'replayDeliveries'];
/** Checked when subscribing (src/graphql/subscriptions.ts): alerts to the watching institution, notices to the borrower. */
const SUBSCRIPTION_ROOTS: Record<string, readonly Role[]> = { alertRaised: ['BANK', 'INSURER'], noticeGiven: ['BORROWER'] };

/** A root field's own role set, before the types it reaches narrow it. */
function ownRoles(rootType: string, field: string): readonly Role[] | null {
  if (rootType === 'Subscription') return SUBSCRIPTION_ROOTS[field] ?? null;
  if (PERSONAL_ROOTS.includes(field)) return PERSONAL_ROLES;
  if (PUBLIC_RECORD_ROOTS.includes(field)) return PUBLIC_RECORD_ROLES;
  if (AGGREGATE_ROOTS.includes(field)) return AGGREGATE_ROLES;
  if (WEBHOOK_ROOTS.includes(field)) return ['BANK', 'INSURER'];
  return EVERYONE;
}

/** The named type under List and NonNull wrappers (by shape: see below). */
function named(type: GraphQLOutputType): GraphQLNamedType {
  let t: GraphQLOutputType = type;
  while ('ofType' in t && t.ofType) t = t.ofType;
  return t as GraphQLNamedType;
}

// by shape, not instanceof: the schema may come from graphql's CJS build and this module from its ESM one
type Fielded = GraphQLNamedType & { getFields(): Record<string, { type: GraphQLOutputType }> };
const hasFields = (t: GraphQLNamedType): t is Fielded => 'getFields' in t && !('getValues' in t) && !('parseLiteral' in t);
const isAbstract = (t: GraphQLNamedType) => t.astNode?.kind === 'InterfaceTypeDefinition' || t.astNode?.kind === 'UnionTypeDefinition';
const isObject = (t: GraphQLNamedType) => t.astNode?.kind === 'ObjectTypeDefinition';

/**
 * Every named type a value returned by `type` can contain: the fields' types, an interface's
 * implementations and a union's members, transitively (arguments and inputs do not matter).
 */
export function reachableTypes(schema: GraphQLSchema, type: GraphQLNamedType): Set<string> {
  const seen = new Set<string>();
  const stack = [type];
  while (stack.length) {
    const t = stack.pop()!;
    if (seen.has(t.name)) continue;
    seen.add(t.name);
    if (isAbstract(t)) stack.push(...schema.getPossibleTypes(t as Parameters<GraphQLSchema['getPossibleTypes']>[0]));
    // input objects have getFields too, but no output type reaches one
    if (hasFields(t)) for (const f of Object.values(t.getFields())) stack.push(named(f.type));
  }
  return seen;
}

/** Each object type's roles; throws unless every object type (roots aside) is in exactly one class. */
export function typeRoles(schema: GraphQLSchema, classes = TYPE_CLASSES): Map<string, readonly Role[]> {
  const roles = new Map<string, readonly Role[]>();
  const problems: string[] = [];
  for (const c of classes)
    for (const t of c.types) {
      if (roles.has(t)) problems.push(`${t} is listed twice`);
      else if (!schema.getType(t) || !isObject(schema.getType(t)!)) problems.push(`${t} (${c.name}) is not an object type of the schema`);
      roles.set(t, c.roles);
    }
  for (const t of Object.values(schema.getTypeMap()))
    if (isObject(t) && !roles.has(t.name) && !(ROOT_TYPES as readonly string[]).includes(t.name))
      problems.push(`${t.name} is not classified (personal, public record, aggregate, dispute or signed in: src/permissions.ts)`);
  if (problems.length) throw new Error(`permissions: ${problems.join('; ')}`);
  return roles;
}

/** For each root field, the roles the gate lets through: its own, narrowed by every type it can reach. */
export function rootRoles(schema: GraphQLSchema, classes = TYPE_CLASSES): Map<string, readonly Role[]> {
  const byType = typeRoles(schema, classes);
  const out = new Map<string, readonly Role[]>();
  const problems: string[] = [];
  for (const rootType of ROOT_TYPES) {
    const root = schema.getType(rootType);
    if (!root || !hasFields(root)) continue;
    for (const [field, def] of Object.entries(root.getFields())) {
      const own = ownRoles(rootType, field);
      if (!own) continue; // no rule: the fallback denies it
      let roles = own;
      for (const t of reachableTypes(schema, named(def.type))) {
        const allowed = byType.get(t);
        if (allowed) roles = roles.filter((r) => allowed.includes(r));
      }
      // e.g. a root reaching both a personal and an aggregate type: nobody may call it; the schema must change
      if (!roles.length) problems.push(`${rootType}.${field} reaches types no single role may see`);
      out.set(`${rootType}.${field}`, roles);
    }
  }
  if (problems.length) throw new Error(`permissions: ${problems.join('; ')}`);
  return out;
}

type RuleTree = Record<string, Record<string, Rule>>;

/** The rule tree: the root fields only, each with its role rule. */
export function coarseRules(schema: GraphQLSchema): RuleTree {
  const tree: RuleTree = {};
  for (const [key, roles] of rootRoles(schema)) {
    const [type, field] = key.split('.');
    (tree[type] ??= {})[field] = role(...roles);
  }
  return tree;
}

export function buildPermissions(tree: RuleTree) {
  // graphql-shield's IRules type is looser than our tree; the tree is built above from the schema itself
  const gate = shield(tree as Parameters<typeof shield>[0], {
    fallbackRule: deny,
    // Our services throw typed errors; let them through instead of masking as FORBIDDEN.
    allowExternalErrors: true,
    // A denial: FORBIDDEN for a known caller, UNAUTHENTICATED for an anonymous or bad token.
    fallbackError: ((_err: unknown, _parent: unknown, _args: unknown, ctx: Context) =>
      ctx.actor ? forbidden() : (ctx.authError ?? unauthenticated())) as unknown as Error,
  });
  // shield wraps every field of every object type (the fallback rule); keep its middleware for the roots only,
  // so a root field not in the tree is still denied and a nested field runs its own resolver, unwrapped
  return middleware((schema) => {
    const all = gate.generate(schema) as Record<string, unknown>;
    return Object.fromEntries(ROOT_TYPES.filter((t) => all[t]).map((t) => [t, all[t]])) as ReturnType<typeof gate.generate>;
  });
}
