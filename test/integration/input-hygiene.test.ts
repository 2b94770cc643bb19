import { beforeAll, describe, expect, it } from 'vitest';
import { borrower, institution, key, type Inst } from '../factories.js';
import { codeOf, useTestApp, type TestApp } from '../helpers/app.js';

/** Replays of the fuzzing findings: each gets BAD_USER_INPUT naming the field, never INTERNAL_SERVER_ERROR. */
const app = useTestApp();
let t: TestApp;
let bank: Inst;
let gov: Inst;

beforeAll(async () => {
  t = await app();
  bank = await institution(t, 'BANK');
  gov = await institution(t, 'GOVERNMENT');
});

const REGISTER = `mutation($i: RegisterBorrowerInput!) { registerBorrower(input: $i) { borrowerId } }`;
const person = (over: Record<string, unknown> = {}) => ({
  name: '王小明',
  nationalId: '110105194912310029',
  category: 'INDIVIDUAL_ENTREPRENEUR',
  county: '桥东区',
  sector: 'retail',
  registeredOn: '2025-01-01',
  ...over,
});

describe('text inputs', () => {
  it.each([
    ['a NUL in a variable', { name: 'Wang\u0000' }, 'i.name'],
    ['a bell character', { sector: 'ret\u0007ail' }, 'i.sector'],
    ['a lone high surrogate', { name: 'Wang\ud800' }, 'i.name'],
    ['a lone low surrogate', { county: '\udc00' }, 'i.county'],
  ])('refuses %s', async (_what, over, field) => {
    const r = await t.gql(bank.token, REGISTER, { i: person(over) });
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
    expect(r.errors![0].extensions!.field).toBe(field);
  });

  it('refuses a control character in a literal argument, naming it', async () => {
    const r = await t.gql(
      bank.token,
      `mutation { fileDispute(recordId: "00000000-0000-4000-8000-000000000000", reason: "bad\\u0000") { id } }`,
    );
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
    expect(r.errors![0].message).toMatch(/^reason must not contain control characters/);
  });

  it('keeps tabs, newlines and Chinese text', async () => {
    const b = await borrower(t, bank);
    const r = await t.gql(
      b.token,
      `mutation($r: String!) { fileDispute(recordId: "00000000-0000-4000-8000-000000000000", reason: $r) { id } }`,
      {
        r: '这笔逾期记录有误\n\t第二行',
      },
    );
    expect(codeOf(r)).toBe('NOT_FOUND');
  });
});

describe('dates and amounts', () => {
  it.each([
    ['year 0000', { registeredOn: '0000-01-01' }],
    ['a day that does not exist', { registeredOn: '2026-02-30' }],
    ['a date past 2199', { registeredOn: '2300-01-01' }],
  ])('refuses %s as a Date', async (_what, over) => {
    expect(codeOf(await t.gql(bank.token, REGISTER, { i: person(over) }))).toBe('BAD_USER_INPUT');
  });

  it('refuses an impossible DateTime instead of rolling it into March', async () => {
    const b = await borrower(t, bank);
    const r = await t.gql(
      b.token,
      `mutation($e: DateTime!) { grantConsent(institutionId: "${bank.id}", purpose: LOAN_APPLICATION, expiresAt: $e) { id } }`,
      {
        e: '2026-02-30T00:00:00Z',
      },
    );
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
  });

  it('bounds money inputs so that sums cannot overflow a column', async () => {
    const DEPOSIT = `mutation($a: Money!, $k: String!) { depositToFund(fund: RISK_COMPENSATION, amount: $a, memo: "x", idempotencyKey: $k) { amount } }`;
    expect(codeOf(await t.gql(gov.token, DEPOSIT, { a: '9999999999999999.99', k: key() }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.gql(gov.token, DEPOSIT, { a: '999999999999.99', k: key() }))).toBeUndefined();
    expect(codeOf(await t.gql(gov.token, DEPOSIT, { a: '999999999999.99', k: key() }))).toBeUndefined();
  });
});

describe('national identifiers', () => {
  it('refuses an all-zero code whose check character passes', async () => {
    const r = await t.gql(bank.token, REGISTER, { i: person({ nationalId: '000000000000000000' }) });
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
    expect(r.errors![0].extensions!.field).toBe('nationalId');
  });
});
