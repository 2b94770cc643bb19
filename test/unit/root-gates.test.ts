import { buildSchema as buildSdl } from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildSchema } from '../../src/graphql/schema.js';
import { resolvers as credit } from '../../src/modules/credit/resolvers.js';
import { coarseRules, PERSONAL_ROLES, reachableTypes, rootRoles, TYPE_CLASSES } from '../../src/permissions.js';
import type { Role } from '../../src/domain.js';

const ROLE_OF: Record<string, Role> = { B: 'BANK', I: 'INSURER', G: 'GOVERNMENT', W: 'BORROWER', A: 'ADMIN', D: 'DATA_SOURCE' };
const roles = (s: string) => [...s].map((c) => ROLE_OF[c]).sort();

/**
 * Recorded from the per-field shield (commit 2b966e2) before the gate moved to the root fields:
 * [the root field's own rule, the roles that could read every type the field can reach]. A role
 * outside the second set got FORBIDDEN on the root or on some nested field; the root gate now
 * lets through exactly the second set, so no role reads anything it could not read before.
 */
const BEFORE: Record<string, [string, string]> = {
  'Query.me': ['BIGWAD', 'BIGWAD'],
  'Query.auditTrail': ['BIGWAD', 'BIGWAD'],
  'Query.creditProfile': ['BIW', 'BIW'],
  'Query.myCreditProfile': ['BIW', 'BIW'],
  'Query.myConsents': ['BIW', 'BIW'],
  'Query.myNotices': ['BIW', 'BIW'],
  'Query.consentPurposes': ['BIGWAD', 'BIGWAD'],
  'Query.customers': ['BIW', 'BIW'],
  'Query.myDisputes': ['BIW', 'BIW'],
  'Query.disputesToAnswer': ['BIGWAD', 'BIWAD'],
  'Query.overdueDisputes': ['BIGWAD', 'BIWAD'],
  'Query.institutions': ['BIGWAD', 'BIGWAD'],
  'Query.fundBalances': ['BIGWAD', 'BIGWAD'],
  'Query.ledgerEntries': ['BIGWAD', 'BIGWAD'],
  'Query.trialBalance': ['GA', 'GA'],
  'Query.application': ['BIW', 'BIW'],
  'Query.myDecisions': ['BIW', 'BIW'],
  'Query.humanReviewsToAnswer': ['BIW', 'BIW'],
  'Query.applications': ['BIW', 'BIW'],
  'Query.policy': ['BIW', 'BIW'],
  'Query.loan': ['BIW', 'BIW'],
  'Query.loans': ['BIW', 'BIW'],
  'Query.settlementQuote': ['BIW', 'BIW'],
  'Query.claim': ['BIGWAD', 'BIGWAD'],
  'Query.claims': ['BIGWAD', 'BIGWAD'],
  'Query.programmeMetrics': ['GA', 'GA'],
  'Query.programMetrics': ['GA', 'GA'],
  'Query.alerts': ['BIW', 'BIW'],
  'Query.borrowerAlerts': ['BIW', 'BIW'],
  'Query.webhooks': ['BI', 'BI'],
  'Query.webhookDeliveries': ['BI', 'BI'],
  'Query.programmeParameters': ['BIGWAD', 'BIGWAD'],
  'Query.parameterVersions': ['BIGWAD', 'BIGWAD'],
  'Query.furnishedPublicRecords': ['BIWD', 'BIWD'],
  'Query.quote': ['BIW', 'BIW'],
  'Mutation.createInstitution': ['BIGWAD', 'BIGWAD'],
  'Mutation.registerBorrower': ['BIGWAD', 'BIW'],
  'Mutation.furnishCreditRecords': ['BIGWAD', 'BIW'],
  'Mutation.correctCreditRecord': ['BIGWAD', 'BIW'],
  'Mutation.grantConsent': ['BIGWAD', 'BIW'],
  'Mutation.revokeConsent': ['BIGWAD', 'BIW'],
  'Mutation.addPersonalStatement': ['BIGWAD', 'BIWD'],
  'Mutation.withdrawPersonalStatement': ['BIGWAD', 'BIWD'],
  'Mutation.fileDispute': ['BIGWAD', 'BIWAD'],
  'Mutation.resolveDispute': ['BIGWAD', 'BIWAD'],
  'Mutation.deactivateInstitution': ['BIGWAD', 'BIGWAD'],
  'Mutation.depositToFund': ['BIGWAD', 'BIGWAD'],
  'Mutation.submitApplication': ['BIGWAD', 'BIW'],
  'Mutation.reviewApplication': ['BIGWAD', 'BIW'],
  'Mutation.issuePolicy': ['BIGWAD', 'BIW'],
  'Mutation.pledgePolicy': ['BIGWAD', 'BIW'],
  'Mutation.disburseLoan': ['BIGWAD', 'BIW'],
  'Mutation.recordRepayment': ['BIGWAD', 'BIW'],
  'Mutation.settleLoan': ['BIGWAD', 'BIW'],
  'Mutation.proposeExtension': ['BIGWAD', 'BIW'],
  'Mutation.agreeExtension': ['BIGWAD', 'BIW'],
  'Mutation.declineExtension': ['BIGWAD', 'BIW'],
  'Mutation.requestHumanReview': ['BIGWAD', 'BIW'],
  'Mutation.resolveHumanReview': ['BIGWAD', 'BIW'],
  'Mutation.ageLoans': ['BIGWAD', 'BIGWAD'],
  'Mutation.fileClaim': ['BIGWAD', 'BIGWAD'],
  'Mutation.payClaim': ['BIGWAD', 'BIGWAD'],
  'Mutation.confirmNonPerforming': ['BIGWAD', 'BIGWAD'],
  'Mutation.approveRiskCompensation': ['BIGWAD', 'BIGWAD'],
  'Mutation.recordRecovery': ['BIGWAD', 'BIGWAD'],
  'Mutation.writeOffLoss': ['BIGWAD', 'BIGWAD'],
  'Mutation.acknowledgeAlert': ['BIW', 'BIW'],
  'Mutation.registerWebhook': ['BI', 'BI'],
  'Mutation.rotateWebhookSecret': ['BI', 'BI'],
  'Mutation.replayDeliveries': ['BI', 'BI'],
  'Mutation.processEvents': ['BIGWAD', 'BIGWAD'],
  'Mutation.createParameterVersion': ['BIGWAD', 'BIGWAD'],
  'Mutation.furnishPublicRecords': ['BIGWAD', 'BIWD'],
  'Subscription.alertRaised': ['BI', 'BI'],
  'Subscription.noticeGiven': ['W', 'W'],
};

describe('the root gate', () => {
  const schema = buildSchema();
  const now = rootRoles(schema);

  it('lets through, on every root field, exactly the roles that could read all it reaches before', () => {
    expect([...now.keys()].sort()).toEqual(Object.keys(BEFORE).sort());
    for (const [field, [root, full]] of Object.entries(BEFORE)) {
      const gate = [...now.get(field)!].sort();
      expect({ field, roles: gate }).toEqual({ field, roles: roles(full) });
      // and never more than the root field's own rule
      for (const r of gate) expect(roles(root)).toContain(r);
    }
  });

  it('never hands a personal type to GOVERNMENT or ADMIN, nor an aggregate to anyone else', () => {
    const personal = new Set(TYPE_CLASSES.find((c) => c.name === 'personal')!.types);
    const aggregate = new Set(TYPE_CLASSES.find((c) => c.name === 'aggregate')!.types);
    for (const [key, gate] of now) {
      const [type, field] = key.split('.');
      let named = (schema.getType(type) as any).getFields()[field].type;
      while (named.ofType) named = named.ofType;
      const reached = [...reachableTypes(schema, named)];
      if (reached.some((t) => personal.has(t)))
        expect({ key, gate }).toEqual({ key, gate: gate.filter((r) => PERSONAL_ROLES.includes(r)) });
      if (reached.some((t) => aggregate.has(t)))
        expect({ key, gate }).toEqual({ key, gate: gate.filter((r) => r === 'GOVERNMENT' || r === 'ADMIN') });
    }
  });

  it('puts rules on the root types only, and leaves nested resolvers unwrapped', () => {
    expect(Object.keys(coarseRules(schema)).sort()).toEqual(['Mutation', 'Query', 'Subscription']);
    const account = schema.getType('CreditAccount') as any;
    // graphql-tools binds each resolver it is given (`bound <name>`); graphql-middleware's wrapper is an anonymous arrow
    for (const name of Object.keys(credit.CreditAccount!)) expect(account.getFields()[name].resolve.name).toBe(`bound ${name}`);
    // and a field whose data is loaded answers synchronously: no async gate in front of it
    expect(account.getFields().disputed.resolve({ dispute: { status: 'OPEN' } }, {}, {}, {})).toBe(true);
    // a field without a resolver of its own keeps graphql-js's default (none set)
    expect(account.getFields().id.resolve).toBeUndefined();
    // the roots are wrapped by the gate
    expect(schema.getQueryType()!.getFields().creditProfile.resolve!.name).not.toBe('bound creditProfile');
  });
});

describe('reachability', () => {
  const classes = [
    { name: 'personal', types: ['Person', 'Account', 'Secret'], roles: PERSONAL_ROLES },
    { name: 'aggregate', types: ['Totals'], roles: ['GOVERNMENT', 'ADMIN'] as Role[] },
    {
      name: 'signed in',
      types: ['Page', 'Wrapper', 'Box'],
      roles: ['BANK', 'INSURER', 'GOVERNMENT', 'BORROWER', 'ADMIN', 'DATA_SOURCE'] as Role[],
    },
  ];
  const sdl = `
    interface Node { id: ID! }
    type Person implements Node { id: ID! accounts: [Account!]! }
    type Account { id: ID! }
    type Secret implements Node { id: ID! }
    type Totals { n: Int! }
    type Page { n: Int! }
    type Wrapper { inner: Box }
    type Box { node: Node person(id: ID): Person }
    union Anything = Page | Secret
    type Query { page: Page wrapped: Wrapper node: Node any: Anything totals: Totals }
  `;

  it('gates a signed-in root that reaches a personal type, through fields, interfaces and unions, as personal data', () => {
    const r = rootRoles(buildSdl(sdl), classes);
    expect(r.get('Query.page')).toEqual(['BANK', 'INSURER', 'GOVERNMENT', 'BORROWER', 'ADMIN', 'DATA_SOURCE']);
    expect(r.get('Query.wrapped')).toEqual(PERSONAL_ROLES);
    expect(r.get('Query.node')).toEqual(PERSONAL_ROLES);
    expect(r.get('Query.any')).toEqual(PERSONAL_ROLES);
    expect(r.get('Query.totals')).toEqual(['GOVERNMENT', 'ADMIN']);
  });

  it('refuses to start when a root reaches both personal and aggregate types, naming it', () => {
    // Page now leads to the aggregate; Anything is Page or a personal Secret: nobody may see all of it
    const both = sdl.replace('type Page { n: Int! }', 'type Page { n: Int! totals: Totals }');
    expect(() => rootRoles(buildSdl(both), classes)).toThrow('permissions: Query.any reaches types no single role may see');
  });

  it('refuses to start when a type is not classified, or a listed type does not exist', () => {
    expect(() => rootRoles(buildSdl(`${sdl} type Stray { n: Int }`), classes)).toThrow(/Stray is not classified/);
    const typo = classes.map((c) => (c.name === 'personal' ? { ...c, types: [...c.types, 'Persn'] } : c));
    expect(() => rootRoles(buildSdl(sdl), typo)).toThrow(/Persn \(personal\) is not an object type/);
  });
});
