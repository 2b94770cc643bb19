/**
 * The practical limit, for comparison in the same run: node:http + postgres.js, no GraphQL,
 * no framework. It does the same work as `creditProfile`: the consent check, the inquiry and
 * audit inserts and the profile, in the same single statement, prepared; JSON out.
 */
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { PgDialect } from 'drizzle-orm/pg-core';
import postgres from 'postgres';
import { profileStatement, WORST_ORDER } from '../src/modules/credit/profile.js';
import { inquiryWindowStart, retentionCutoff } from '../src/modules/credit/rules.js';
import { businessDate } from '../src/time.js';

const sql = postgres(process.env.DATABASE_URL!, { max: Number(process.env.DB_POOL_SIZE ?? 10), onnotice: () => {} });
const dialect = new PgDialect();

createServer((req, res) => {
  if (req.url === '/health') return void res.end('ok');
  const chunks: Buffer[] = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    try {
      const { variables } = JSON.parse(Buffer.concat(chunks).toString());
      const institutionId = String(req.headers['x-institution']);
      const now = new Date();
      const historyStart = new Date(now);
      historyStart.setUTCMonth(historyStart.getUTCMonth() - 24);
      const q = dialect.sqlToQuery(
        profileStatement({
          borrowerId: variables.b,
          now,
          currentMonth: Number(businessDate(now).slice(0, 4)) * 12 + Number(businessDate(now).slice(5, 7)) - 1,
          retentionCutoff: retentionCutoff(now),
          inquiryWindowStart: inquiryWindowStart(now),
          inquiryHistoryStart: historyStart,
          audit: { requestId: randomUUID(), userId: 'raw-user', role: 'BANK', institutionId, borrowerActorId: null },
          institutionRead: { institutionId, purpose: variables.p, needsOpenAccount: false },
          page: { limit: 100 },
          withFacts: false,
        }),
      );
      const [row] = await sql.unsafe(q.sql, q.params as any[], { prepare: true });
      if (!row.allowed) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ errors: [{ message: 'no consent', extensions: { code: 'FORBIDDEN' } }] }));
      }
      const body = {
        data: {
          creditProfile: {
            borrower: row.borrower,
            accounts: row.accounts ?? [],
            inquiries: row.inquiries ?? [],
            summary: {
              openAccounts: row.summary.openAccounts,
              totalBalance: row.summary.totalBalance,
              worstStatus24Months: row.summary.worstRank === null ? null : WORST_ORDER[row.summary.worstRank - 1],
              inquiriesLast6Months: row.inquiry_counts.hard,
            },
          },
        },
      };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    } catch (err) {
      res.writeHead(500);
      res.end(String(err));
    }
  });
}).listen(Number(process.env.PORT), '127.0.0.1');
