import { deny, or, rule, shield } from 'graphql-shield';
import type { GraphQLSchema } from 'graphql';
import type { Context } from './context.js';
import type { Role } from './domain.js';
import { forbidden, unauthenticated } from './errors.js';

/**
 * The coarse gate, and only that: signed in or not; personal credit data never to GOVERNMENT
 * or ADMIN tokens; aggregates only to GOVERNMENT and ADMIN. Deny by default. Who may call an
 * operation and whether *this* claim or loan is yours is each module's policy.ts.
 */
const roleRules = new Map<string, ReturnType<ReturnType<typeof rule>>>();
/** One rule instance per role set (shield refuses two rules with one name). */
const role = (...roles: Role[]) => {
  const name = `role:${roles.join('|')}`;
  let r = roleRules.get(name);
  if (!r) {
    r = rule(name, { cache: 'contextual' })((_parent, _args, ctx: Context) => {
      if (!ctx.actor) return ctx.authError ?? unauthenticated();
      return roles.includes(ctx.actor.role);
    });
    roleRules.set(name, r);
  }
  return r;
};

export const signedIn = rule('signedIn', { cache: 'contextual' })((_p, _a, ctx: Context) =>
  ctx.actor ? true : (ctx.authError ?? unauthenticated()),
);
/** Personal credit data: never to GOVERNMENT or ADMIN tokens, whatever field returns it. */
export const seesPersonalData = role('BANK', 'INSURER', 'BORROWER');
/** Public records and the disputes of them: also the authority that furnished them. */
export const seesPublicRecords = role('BANK', 'INSURER', 'BORROWER', 'DATA_SOURCE');
/** Programme aggregates: the finance bureau's view and its administrators'. */
export const seesAggregates = role('GOVERNMENT', 'ADMIN');

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

type RuleTree = Record<string, Record<string, unknown>>;

/** The rule tree for a schema: every object type gets a rule, so nothing falls to the default. */
export function coarseRules(schema: GraphQLSchema): RuleTree {
  const tree: RuleTree = {};
  for (const type of Object.values(schema.getTypeMap())) {
    // by AST kind, not instanceof: the schema may come from graphql's CJS build and this module from its ESM one
    if (type.astNode?.kind !== 'ObjectTypeDefinition') continue;
    tree[type.name] = { '*': signedIn };
  }
  for (const t of PERSONAL_TYPES) tree[t] = { '*': seesPersonalData };
  for (const t of PUBLIC_RECORD_TYPES) tree[t] = { '*': seesPublicRecords };
  for (const t of AGGREGATE_TYPES) tree[t] = { '*': seesAggregates };
  // an admin lists overdue disputes (the deadline) and answers identity disputes; an authority
  // answers disputes of its public records. Whose words each may read is the disputes policy's.
  tree.Dispute = { '*': or(seesPublicRecords, role('ADMIN')) };
  const root = (name: 'Query' | 'Mutation') => {
    const fields = Object.keys((name === 'Query' ? schema.getQueryType() : schema.getMutationType())?.getFields() ?? {});
    tree[name] = Object.fromEntries(
      fields.map((f) => [
        f,
        PERSONAL_ROOTS.includes(f)
          ? seesPersonalData
          : PUBLIC_RECORD_ROOTS.includes(f)
            ? seesPublicRecords
            : AGGREGATE_ROOTS.includes(f)
              ? seesAggregates
              : WEBHOOK_ROOTS.includes(f)
                ? role('BANK', 'INSURER')
                : signedIn,
      ]),
    );
  };
  root('Query');
  root('Mutation');
  // checked when subscribing (src/graphql/subscriptions.ts): alerts to the watching institution, notices to the borrower
  if (schema.getSubscriptionType()) tree.Subscription = { alertRaised: role('BANK', 'INSURER'), noticeGiven: role('BORROWER') };
  return tree;
}

export function buildPermissions(tree: RuleTree) {
  // graphql-shield's IRules type is looser than our tree; the tree is built above from the schema itself
  return shield(tree as Parameters<typeof shield>[0], {
    fallbackRule: deny,
    // Our services throw typed errors; let them through instead of masking as FORBIDDEN.
    allowExternalErrors: true,
    // A denial: FORBIDDEN for a known caller, UNAUTHENTICATED for an anonymous or bad token.
    fallbackError: ((_err: unknown, _parent: unknown, _args: unknown, ctx: Context) =>
      ctx.actor ? forbidden() : (ctx.authError ?? unauthenticated())) as unknown as Error,
  });
}
