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

export const resolvers: Resolvers = {
  Query: {
    creditProfile: (_, args, ctx) => service.creditProfile(ctx, args),
    myCreditProfile: (_, args, ctx) => service.myCreditProfile(ctx, args),
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
    statusHistory: async (a, _, ctx) => {
      const marks = a.corrections ?? (await correctionsByAccount(ctx).load(a.id));
      const corrected = new Set(marks.map((m) => m.month));
      return statusHistory(a.paymentHistory, a.statusMonth, ctx.now).map((m) => ({ ...m, corrected: corrected.has(m.month) }));
    },
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
