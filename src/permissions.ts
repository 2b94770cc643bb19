import { deny, or, rule, shield } from 'graphql-shield';
import type { Role } from './domain.js';
import { forbidden, unauthenticated } from './errors.js';
import type { Ctx } from './graphql/context.js';

/**
 * The coarse gate: which roles may touch a field at all. Deny by default; anything not
 * listed here is refused. Whether *this* borrower, account or claim is yours is decided in
 * the services (src/auth/policy.ts and each module's service.ts).
 */
const roleRules = new Map<string, ReturnType<ReturnType<typeof rule>>>();
/** One rule instance per role set (shield refuses two rules with one name). */
const role = (...roles: Role[]) => {
  const name = `role:${roles.join('|')}`;
  let r = roleRules.get(name);
  if (!r) {
    r = rule(name, { cache: 'contextual' })((_parent, _args, ctx: Ctx) => {
      if (!ctx.actor) return ctx.authError ?? unauthenticated();
      return roles.includes(ctx.actor.role);
    });
    roleRules.set(name, r);
  }
  return r;
};

const signedIn = rule('signedIn', { cache: 'contextual' })((_p, _a, ctx: Ctx) => (ctx.actor ? true : ctx.authError ?? unauthenticated()));

export const isBank = role('BANK');
export const isInsurer = role('INSURER');
export const isInstitution = role('BANK', 'INSURER');
export const isBorrower = role('BORROWER');
export const isGovernment = role('GOVERNMENT');
export const isAdmin = role('ADMIN');
export const isGovernmentOrAdmin = role('GOVERNMENT', 'ADMIN');
/** The programme's money: its parties and overseers, never borrowers. */
export const seesProgrammeMoney = role('GOVERNMENT', 'ADMIN', 'BANK', 'INSURER');
/** Personal credit data: never to GOVERNMENT or ADMIN tokens, whatever field returns it. */
export const seesPersonalData = role('BANK', 'INSURER', 'BORROWER');

export const baseRules = {
  Query: {
    me: signedIn,
    institutions: signedIn,
    creditProfile: isInstitution,
    myCreditProfile: isBorrower,
    myConsents: isBorrower,
    customers: isInstitution,
    myDisputes: isBorrower,
    disputesToAnswer: isInstitution,
    overdueDisputes: isAdmin,
    auditTrail: isAdmin,
    programmeParameters: signedIn,
    parameterVersions: signedIn,
    quote: seesPersonalData,
    application: seesPersonalData,
    applications: seesPersonalData,
    policy: seesPersonalData,
    loan: seesPersonalData,
    loans: seesPersonalData,
    fundBalances: seesProgrammeMoney,
    ledgerEntries: seesProgrammeMoney,
    trialBalance: isGovernmentOrAdmin,
    claim: seesProgrammeMoney,
    claims: seesProgrammeMoney,
    programMetrics: isGovernmentOrAdmin,
  },
  Mutation: {
    createInstitution: isAdmin,
    registerBorrower: isInstitution,
    furnishCreditRecords: isInstitution,
    grantConsent: isBorrower,
    revokeConsent: isBorrower,
    fileDispute: isBorrower,
    resolveDispute: isInstitution,
    createParameterVersion: isGovernmentOrAdmin,
    submitApplication: role('BORROWER', 'BANK'),
    reviewApplication: isInstitution,
    issuePolicy: isInsurer,
    pledgePolicy: isBank,
    disburseLoan: isBank,
    recordRepayment: isBank,
    depositToFund: isGovernment,
    ageLoans: isAdmin,
    fileClaim: isBank,
    payClaim: isInsurer,
    confirmNonPerforming: isInstitution,
    approveRiskCompensation: isGovernment,
    recordRecovery: isInstitution,
  },
  Me: { '*': signedIn },
  Institution: { '*': signedIn },
  PageInfo: { '*': signedIn },
  Borrower: { '*': seesPersonalData },
  CreditProfile: { '*': seesPersonalData },
  CreditAccount: { '*': seesPersonalData },
  StatusMonth: { '*': seesPersonalData },
  DisputeFlag: { '*': seesPersonalData },
  CreditSummary: { '*': seesPersonalData },
  InquiryRecord: { '*': seesPersonalData },
  Consent: { '*': seesPersonalData },
  Customer: { '*': isInstitution },
  CustomerConnection: { '*': isInstitution },
  FurnishResult: { '*': isInstitution },
  Dispute: { '*': or(seesPersonalData, isAdmin), reason: seesPersonalData, resolutionNote: seesPersonalData },
  AuditEntry: { '*': isAdmin },
  // programme parameters are public to every signed-in user
  ProgrammeParameters: { '*': signedIn },
  CategoryCap: { '*': signedIn },
  BenchmarkBand: { '*': signedIn },
  BenchmarkRateEntry: { '*': signedIn },
  TermOffer: { '*': signedIn },
  GradeMultiplier: { '*': signedIn },
  StartupPhase: { '*': signedIn },
  LossShares: { '*': signedIn },
  RiskCompensationTerms: { '*': signedIn },
  // decisions about a person are credit data
  Quote: { '*': seesPersonalData },
  LoanRequestTerms: { '*': seesPersonalData },
  EligibilityReason: { '*': seesPersonalData },
  CreditScore: { '*': seesPersonalData },
  ScoreFactor: { '*': seesPersonalData },
  Price: { '*': seesPersonalData },
  Application: { '*': seesPersonalData },
  Review: { '*': seesPersonalData },
  Policy: { '*': seesPersonalData },
  Loan: { '*': seesPersonalData },
  Instalment: { '*': seesPersonalData },
  Repayment: { '*': seesPersonalData },
  RepaymentAllocation: { '*': seesPersonalData },
  // money: the programme's parties and its overseers; borrowers are masked in the resolvers
  FundBalances: { '*': seesProgrammeMoney },
  RiskReserve: { '*': seesProgrammeMoney },
  LedgerTransaction: { '*': seesProgrammeMoney },
  LedgerEntry: { '*': seesProgrammeMoney },
  TrialBalance: { '*': isGovernmentOrAdmin },
  FundDeposit: { '*': isGovernment },
  Claim: { '*': seesProgrammeMoney },
  CourtConfirmation: { '*': seesProgrammeMoney },
  RecoveryShares: { '*': seesProgrammeMoney },
  Recovery: { '*': seesProgrammeMoney },
  AgeingRun: { '*': isAdmin },
  // aggregates only, small groups withheld: the finance bureau's view
  ProgrammeMetrics: { '*': isGovernmentOrAdmin },
  MetricCell: { '*': isGovernmentOrAdmin },
  Leverage: { '*': isGovernmentOrAdmin },
  LeagueRow: { '*': isGovernmentOrAdmin },
  AuditConnection: { '*': isAdmin },
};

export type RuleTree = Record<string, Record<string, unknown>>;

export function buildPermissions(tree: RuleTree) {
  return shield(tree as any, {
    fallbackRule: deny,
    // Our services throw typed GraphQLErrors; let them through instead of masking as FORBIDDEN.
    allowExternalErrors: true,
    // A denial: FORBIDDEN for a known caller, UNAUTHENTICATED for an anonymous or bad token.
    fallbackError: ((_err: unknown, _parent: unknown, _args: unknown, ctx: Ctx) =>
      ctx.actor ? forbidden() : ctx.authError ?? unauthenticated()) as any,
  });
}
