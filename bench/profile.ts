import autocannon from 'autocannon';
import postgres from 'postgres';
import { signDevToken } from '../src/auth/tokens.js';
import { BENCH_PEPPER, BENCH_SECRET, committedTransactions, rssMb, startProcess, stopProcess, waitForHealth } from './common.js';

export const PROFILE_QUERY = `query Profile($b: ID!, $p: ConsentPurpose!) {
  creditProfile(borrowerId: $b, purpose: $p) {
    borrower { id name category county sector registeredOn nationalIdMasked }
    accounts { id accountRef kind furnisher { id name } originalAmount balance openedOn closedOn status statusMonth paymentPattern disputed }
    summary { openAccounts totalBalance worstStatus24Months inquiriesLast6Months }
    inquiries { institution { name } purpose inquiredAt }
  }
}`;

export interface LoadResult {
  name: string;
  reqPerSec: number;
  p50: number;
  p99: number;
  rssMb: number;
  statementsPerRequest: number;
  errors: number;
  requests: number;
}

interface Target {
  name: string;
  args: string[];
  env: Record<string, string>;
  headers: (bank: string) => Promise<Record<string, string>>;
}

const BANKS = ['saibei-rural-bank', 'chongli-city-bank', 'zhangyuan-village-bank'];

export async function benchProfile(opts: {
  dbUrl: string;
  dbName: string;
  serverUrl: string;
  connections: number;
  duration: number;
  port: number;
}): Promise<LoadResult[]> {
  const sql = postgres(opts.dbUrl, { max: 1, onnotice: () => {} });
  const ids = (await sql`select id from borrowers`).map((r) => r.id as string);
  await sql.end();
  const jwt = { mode: 'hs256' as const, secret: BENCH_SECRET, isDevSecret: false };
  const env = { DATABASE_URL: opts.dbUrl, DB_POOL_SIZE: '10', NODE_ENV: 'production', PORT: String(opts.port), HOST: '127.0.0.1' };
  const targets: Target[] = [
    {
      name: 'this server: Apollo 5 + shield + one statement',
      args: ['--import', 'tsx', 'src/main.ts'],
      // one load generator on one address: the per-address and per-institution limits would refuse most of it
      env: {
        ...env,
        DEMO_DATA: 'off',
        LOG_LEVEL: 'warn',
        JWT_SECRET: BENCH_SECRET,
        NATIONAL_ID_PEPPER: BENCH_PEPPER,
        RATE_LIMIT_ACTOR_PER_MINUTE: '0',
        RATE_LIMIT_IP_PER_MINUTE: '0',
      },
      headers: async (bank) => ({ authorization: `Bearer ${await signDevToken(jwt, { sub: `${bank}-bench`, role: 'BANK', inst: bank })}` }),
    },
    {
      name: 'raw: node:http + postgres.js, same statement',
      args: ['--import', 'tsx', 'bench/raw-server.ts'],
      env,
      headers: async (bank) => ({ 'x-institution': bank }),
    },
  ];
  const results: LoadResult[] = [];
  for (const target of targets) {
    const child = startProcess(target.args, target.env);
    try {
      await waitForHealth(opts.port, child);
      const headers = await Promise.all(BANKS.map((b) => target.headers(b)));
      const url = `http://127.0.0.1:${opts.port}/graphql`;
      const body = () =>
        JSON.stringify({ query: PROFILE_QUERY, variables: { b: ids[Math.floor(Math.random() * ids.length)], p: 'LOAN_APPLICATION' } });
      // correctness first: a profile with accounts must come back
      const check = await (
        await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers[0] }, body: body() })
      ).json();
      if (!check.data?.creditProfile?.accounts?.length)
        throw new Error(`${target.name}: bad answer ${JSON.stringify(check).slice(0, 300)}`);
      // warm-up, then the measured run
      await autocannon({
        url,
        connections: opts.connections,
        duration: 3,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers[0] },
        body: body(),
      });
      const txBefore = await committedTransactions(opts.serverUrl, opts.dbName);
      let peakRss = 0;
      const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb(child.pid!))), 250);
      let errors = 0;
      const r = await autocannon({
        url,
        connections: opts.connections,
        duration: opts.duration,
        method: 'POST',
        requests: [
          {
            setupRequest: (req: any) => ({
              ...req,
              headers: { 'content-type': 'application/json', ...headers[Math.floor(Math.random() * headers.length)] },
              body: body(),
            }),
            onResponse: (status: number, resBody: string) => {
              if (status !== 200 || resBody.includes('"errors"')) errors++;
            },
          },
        ],
      } as any);
      clearInterval(sampler);
      await new Promise((res) => setTimeout(res, 1500));
      const txAfter = await committedTransactions(opts.serverUrl, opts.dbName);
      results.push({
        name: target.name,
        reqPerSec: r.requests.average,
        p50: r.latency.p50,
        p99: r.latency.p99,
        rssMb: peakRss,
        statementsPerRequest: (txAfter - txBefore) / r.requests.total,
        errors: errors + r.errors + r.non2xx,
        requests: r.requests.total,
      });
    } finally {
      await stopProcess(child);
    }
  }
  return results;
}
