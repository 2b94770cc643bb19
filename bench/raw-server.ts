/**
 * The practical limit, for comparison in the same run: node:http + postgres.js, no GraphQL,
 * no framework. It does the same work as `creditProfile`: the consent check, the inquiry and
 * audit inserts and the profile, in the same single statement, prepared; JSON out.
 */
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { PgDialect } from 'drizzle-orm/pg-core';
import postgres from 'postgres';
import { profileStatement } from '../src/modules/credit/store.js';
import { inquiryWindowStart, NEGATIVE_STATUSES, retentionCutoff, summarize } from '../src/modules/credit/rules.js';

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
          retentionCutoff: retentionCutoff(now),
          inquiryWindowStart: inquiryWindowStart(now),
          inquiryHistoryStart: historyStart,
          negativeStatuses: NEGATIVE_STATUSES,
          audit: { requestId: randomUUID(), userId: 'raw-user', role: 'BANK', institutionId, borrowerActorId: null },
          institutionRead: { institutionId, purpose: variables.p },
        }),
      );
      const [row] = await sql.unsafe(q.sql, q.params as any[], { prepare: true });
      if (!row.allowed) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ errors: [{ message: 'no consent', extensions: { code: 'FORBIDDEN' } }] }));
      }
      const accounts = row.accounts ?? [];
      const body = {
        data: {
          creditProfile: {
            borrower: row.borrower,
            accounts,
            inquiries: row.inquiries ?? [],
            summary: summarize(
              accounts.map((a: any) => ({ ...a, disputed: a.dispute !== null })),
              row.inquiries_6m,
              now,
            ),
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
