import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSchema, Kind, parse, print, validate, type OperationDefinitionNode } from 'graphql';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, onRealServer, type TestDatabase } from '../helpers/db.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';

/**
 * docs/examples/ as a new user meets them: a fresh server started the way `npm start` starts
 * (demo data loaded, development tokens printed), then every file in order, over HTTP, with the
 * printed token its header names and the ids earlier files returned. Each must succeed, or fail
 * with exactly the code its `# expect:` line gives.
 */
const DIR = 'docs/examples';
let tdb: TestDatabase | undefined;
let srv: ServerProcess | undefined;

interface PrintedToken {
  role: string;
  note: string;
  token: string;
}

/** The tokens as `npm start` prints them: a line "  ROLE  note", then a line "  <jwt>". */
function printedTokens(lines: string[]): PrintedToken[] {
  const out: PrintedToken[] = [];
  for (let i = 0; i + 1 < lines.length; i++) {
    const head = /^ {2}([A-Z_]+)\s+(.*)$/.exec(lines[i]);
    const jwt = /^ {2}(eyJ[\w.-]+)$/.exec(lines[i + 1]);
    if (head && jwt) out.push({ role: head[1], note: head[2], token: jwt[1] });
  }
  return out;
}

interface Example {
  file: string;
  text: string;
  role: string;
  /** The word after the role, e.g. the DATA_SOURCE's institution id. */
  which?: string;
  expect: string;
  /** Variables the header documents ("# $name: ..."). */
  documented: string[];
  declared: string[];
}

function readExample(file: string): Example {
  const text = readFileSync(path.join(DIR, file), 'utf8');
  const header = text.split('\n').filter((l) => l.startsWith('#'));
  const token = header.map((l) => /^# token: ([A-Z_]+)(?: ([\w-]+))?/.exec(l)).find(Boolean);
  const expectLine = header.map((l) => /^# expect: (\S+)$/.exec(l)).find(Boolean);
  if (!token || !expectLine) throw new Error(`${file}: the header needs "# token: <ROLE>" and "# expect: success|<CODE>"`);
  const ops = parse(text).definitions.filter((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
  if (ops.length !== 1) throw new Error(`${file}: one operation per file, found ${ops.length}`);
  return {
    file,
    text,
    role: token[1],
    which: token[2],
    expect: expectLine[1],
    documented: header.map((l) => /^# \$(\w+):/.exec(l)?.[1]).filter((v): v is string => !!v),
    declared: (ops[0].variableDefinitions ?? []).map((v) => v.variable.name.value),
  };
}

const days = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString();

afterAll(async () => {
  srv?.child.kill('SIGTERM');
  await srv?.exited;
  await tdb?.drop();
});

describe('docs/examples', () => {
  it('every example runs in order on fresh demo data with the printed tokens', async () => {
    tdb = onRealServer() ? await createTestDatabase() : undefined;
    srv = await startServer({ databaseUrl: tdb?.url, devTokens: true, env: { DEMO_DATA: 'auto' } });
    // the tokens follow the GraphQL line; wait for the banner's last line
    for (let i = 0; i < 600 && !srv.output.some((l) => l.startsWith('More: npm run token')); i++)
      await new Promise((r) => setTimeout(r, 100));
    const files = readdirSync(DIR)
      .filter((f) => f.endsWith('.graphql'))
      .sort();
    expect(files.length).toBeGreaterThan(20);
    files.forEach((f, i) => expect(f.slice(0, 3), 'numbered 01-, 02-, … without gaps').toBe(`${String(i + 1).padStart(2, '0')}-`));

    const tokens = printedTokens(srv!.output);
    const tokenFor = (ex: Example) => {
      const ofRole = tokens.filter((t) => t.role === ex.role);
      const t = (ex.which && ofRole.find((c) => c.note.startsWith(ex.which!))) || ofRole[0];
      if (!t) throw new Error(`${ex.file}: npm start printed no ${ex.role} token`);
      return t.token;
    };
    const insurer = tokens.find((t) => t.role === 'INSURER')!.note;
    expect(insurer).toBe('bashang-insurance');
    expect(tokens.find((t) => t.role === 'BANK')!.note).toBe('saibei-rural-bank');

    const results: Record<string, any> = {};
    const data = (step: string) => {
      const d = results[step];
      if (!d) throw new Error(`step ${step} has no result`);
      return d;
    };
    const defaulted = () => {
      const loan = data('21').loans.find((l: any) => l.insurer.id === insurer);
      if (!loan) throw new Error(`no defaulted loan of the printed bank insured by ${insurer}`);
      return loan;
    };
    const variable: Record<string, (file: string) => unknown> = {
      borrowerId: () => data('01').me.borrowerId,
      expiresAt: (file) => (file.startsWith('07-') ? days(90) : days(730)),
      applicationId: () => data('09').submitApplication.id,
      policyId: () => data('12').issuePolicy.id,
      recordId: () => data('04').myCreditProfile.accounts[0].id,
      loanId: () => defaulted().id,
      decidedOn: () => defaulted().defaultedOn,
      claimId: () => data('22').fileClaim.id,
      disbursedLoanId: () => data('14').disburseLoan.id,
      extensionId: () => data('33').proposeExtension.id,
      amount: () => data('35').settlementQuote.total,
    };

    for (const file of files) {
      const ex = readExample(file);
      expect(
        ex.declared.filter((v) => !ex.documented.includes(v)),
        `${file}: every variable documented in the header`,
      ).toEqual([]);
      const variables = Object.fromEntries(
        ex.declared.map((v) => {
          if (!variable[v]) throw new Error(`${file}: the test does not know where $${v} comes from`);
          return [v, variable[v](file)];
        }),
      );
      const res = await fetch(srv!.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokenFor(ex)}` },
        body: JSON.stringify({ query: ex.text, variables }),
      });
      const body = (await res.json()) as {
        data?: Record<string, unknown> | null;
        errors?: { message: string; extensions?: { code?: string } }[];
      };
      if (ex.expect === 'success') {
        expect(body.errors, `${file}: ${JSON.stringify(body.errors)}`).toBeUndefined();
        expect(body.data, file).toBeTruthy();
        expect(
          Object.values(body.data!).every((v) => v !== null && v !== undefined),
          file,
        ).toBe(true);
        results[file.slice(0, 2)] = body.data;
      } else {
        expect(
          body.errors?.map((e) => e.extensions?.code),
          `${file}: ${JSON.stringify(body.errors)}`,
        ).toEqual([ex.expect]);
      }
    }

    // what the headers claim
    expect(data('01').me.role).toBe('BORROWER');
    expect(data('04').myCreditProfile.borrower.category).toBe('INDIVIDUAL_ENTREPRENEUR');
    expect(data('08').quote.eligible).toBe(true);
    expect(data('11').reviewApplication.status).toBe('APPROVED');
    expect(data('14').disburseLoan.principal).toBe('50000.00');
    expect(data('16').furnishCreditRecords.created).toBe(1);
    expect(Number(data('26').approveRiskCompensation.compensationOwed)).toBeGreaterThan(0);
    const before = data('28').programmeMetrics.leverage;
    const after = data('30').programmeMetrics.leverage;
    expect(Number(after.governmentMoney) - Number(before.governmentMoney)).toBe(500_000);
    expect(Number(after.ratio)).toBeLessThan(Number(before.ratio));
  }, 300_000);

  it("the README's inline examples are valid operations of the schema", () => {
    const sdl = readdirSync('schema')
      .filter((f) => f.endsWith('.graphql'))
      .map((f) => readFileSync(path.join('schema', f), 'utf8'))
      .join('\n');
    const schema = buildSchema(sdl);
    const blocks = [...readFileSync('README.md', 'utf8').matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(blocks.length).toBeGreaterThan(0);
    for (const block of blocks)
      for (const op of parse(block).definitions) {
        const errors = validate(schema, { kind: Kind.DOCUMENT, definitions: [op] }).map((e) => e.message);
        expect(errors, print(op)).toEqual([]);
      }
  });
});
