import type { GraphQLResolveInfo } from 'graphql';
import type { Resolvers } from '../../graphql/generated/resolvers.js';
import { institutionOf } from '../institutions/api.js';
import type { RecordSource } from '../../domain.js';
import {
  correctionsByAccount,
  objectionByAccount,
  ownAccountsByBorrower,
  specialTransactionsByAccount,
  statementsByAccount,
} from './loaders.js';
import { statusHistory } from './rules.js';
import * as service from './service.js';
import { myNotices } from './queries.js';
import { addPersonalStatement } from './commands/addPersonalStatement.js';
import { correctCreditRecord } from './commands/correctCreditRecord.js';
import { withdrawPersonalStatement } from './commands/withdrawPersonalStatement.js';

interface Selection {
  kind: string;
  name?: { value: string };
  selectionSet?: { selections: readonly Selection[] };
}
const PUBLIC_RECORD_FIELDS: Record<string, readonly string[] | true> = {
  publicRecords: true,
  summary: ['publicRecords', 'activePublicRecords'],
};

/**
 * Whether a profile read's selection shows public records or their counts (through fragments
 * too). Only a selection that surely does not lets the read skip loading them.
 */
function selectsPublicRecords(info: GraphQLResolveInfo | undefined): boolean {
  if (!info?.fieldNodes) return true;
  const fragments = info.fragments as unknown as Record<string, Selection>;
  const walk = (set: Selection['selectionSet'], wanted: Record<string, readonly string[] | true>): boolean =>
    (set?.selections ?? []).some((s) => {
      if (s.kind === 'InlineFragment') return walk(s.selectionSet, wanted);
      if (s.kind === 'FragmentSpread') {
        const f = fragments[s.name!.value];
        return !f || walk(f.selectionSet, wanted);
      }
      const w = wanted[s.name!.value];
      if (w === true) return true;
      return !!w && walk(s.selectionSet, Object.fromEntries(w.map((n) => [n, true as const])));
    });
  return info.fieldNodes.some((n) => walk(n.selectionSet as Selection['selectionSet'], PUBLIC_RECORD_FIELDS));
}

/** An account's 24 months, each marked when a correction changed it. */
function markedHistory(a: { paymentHistory: string; statusMonth: string }, marks: readonly { month: string }[], now: Date) {
  const months = statusHistory(a.paymentHistory, a.statusMonth, now);
  if (!marks.length) return months.map((m) => ({ ...m, corrected: false }));
  const corrected = new Set(marks.map((m) => m.month));
  return months.map((m) => ({ ...m, corrected: corrected.has(m.month) }));
}

export const resolvers: Resolvers = {
  Query: {
    creditProfile: (_, args, ctx, info) => service.creditProfile(ctx, args, { publicRecords: selectsPublicRecords(info) }),
    myCreditProfile: (_, args, ctx, info) => service.myCreditProfile(ctx, args, { publicRecords: selectsPublicRecords(info) }),
    customers: (_, args, ctx) => service.customers(ctx, args),
    myNotices: (_, args, ctx) => myNotices(ctx, args),
  },
  Mutation: {
    registerBorrower: (_, args, ctx) => service.registerBorrower(ctx, args),
    furnishCreditRecords: (_, args, ctx) => service.furnishCreditRecords(ctx, args),
    correctCreditRecord: (_, args, ctx) => correctCreditRecord(ctx, args),
    addPersonalStatement: (_, args, ctx) => addPersonalStatement(ctx, args),
    withdrawPersonalStatement: (_, args, ctx) => withdrawPersonalStatement(ctx, args),
  },
  CreditAccount: {
    // the profile statement already carries the furnisher; other reads batch through the loader
    furnisher: (a, _, ctx) => a.furnisher ?? institutionOf(ctx, a.institutionId),
    // synchronous when the profile statement carried the marks (no promise, no microtask per account)
    statusHistory: (a, _, ctx) =>
      a.corrections
        ? markedHistory(a, a.corrections, ctx.now)
        : correctionsByAccount(ctx)
            .load(a.id)
            .then((marks) => markedHistory(a, marks, ctx.now)),
    paymentPattern: (a) => a.paymentHistory,
    disputed: (a) => a.dispute?.status === 'OPEN',
    source: (a) => a.source as RecordSource,
    // the profile statement carries these for its page; the furnisher's own view batches them
    corrections: (a, _, ctx) => a.corrections ?? correctionsByAccount(ctx).load(a.id),
    objection: (a, _, ctx) => (a.objection !== undefined ? a.objection : objectionByAccount(ctx).load(a.id)),
    statements: (a, _, ctx) => a.statements ?? statementsByAccount(ctx).load(a.id),
    specialTransactions: (a, _, ctx) => a.specialTransactions ?? specialTransactionsByAccount(ctx).load(a.id),
  },
  Customer: {
    accounts: (c, _, ctx) => ownAccountsByBorrower(ctx).load(c.borrower.id),
  },
  Notice: {
    recordId: (n) => n.accountId,
    institution: (n, _, ctx) => (n.institutionId ? institutionOf(ctx, n.institutionId) : null),
  },
};
