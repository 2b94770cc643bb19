import { Decimal } from 'decimal.js';
import type { AccountKind, AccountStatus, BorrowerCategory, ConsentPurpose } from '../domain.js';
import { hashNationalId, maskNationalId } from '../identity.js';
import { STATUS_CODE } from '../modules/credit/rules.js';
import { addDays, addMonths, addYears, businessDate, monthOf, monthsBetween } from '../time.js';
import { BEHAVIOURS, DPD, history, type Behaviour } from './histories.js';
import { personName, residentId, uscc } from './people.js';
import { COUNTIES, FIRM_WORDS, SECTOR_WORD, SECTORS_BY_CATEGORY } from './places.js';
import { Rng } from './random.js';
import type { AccountRow, BorrowerBundle, BorrowerRow, ConsentRow, DemoOptions, InquiryRow } from './rows.js';

export type { AccountRow, BorrowerBundle, BorrowerRow, ConsentRow, CustomerRow, DemoOptions, InquiryRow } from './rows.js';

export const DEMO_INSTITUTIONS = [
  { id: 'zjk-finance-bureau', kind: 'GOVERNMENT', name: '张家口市财政局 (demo)' },
  { id: 'saibei-rural-bank', kind: 'BANK', name: '塞北农村商业银行' },
  { id: 'chongli-city-bank', kind: 'BANK', name: '崇礼城市银行' },
  { id: 'zhangyuan-village-bank', kind: 'BANK', name: '张垣村镇银行' },
  { id: 'great-wall-mutual', kind: 'INSURER', name: '长城互助财产保险' },
  { id: 'bashang-insurance', kind: 'INSURER', name: '坝上财产保险' },
] as const;

const BANKS = DEMO_INSTITUTIONS.filter((i) => i.kind === 'BANK').map((i) => i.id);
const INSURERS = DEMO_INSTITUTIONS.filter((i) => i.kind === 'INSURER').map((i) => i.id);
const BANK_WEIGHTS: [string, number][] = [
  [BANKS[0], 5],
  [BANKS[1], 3],
  [BANKS[2], 2],
];
const INSURER_WEIGHTS: [string, number][] = [
  [INSURERS[0], 6],
  [INSURERS[1], 4],
];

export const CATEGORY_CAP: Record<BorrowerCategory, number> = {
  STARTUP_MICRO_ENTERPRISE: 300_000,
  RURAL_HOUSEHOLD: 200_000,
  INDIVIDUAL_ENTREPRENEUR: 100_000,
};

function roundThousands(x: number) {
  return new Decimal(Math.max(10_000, Math.round(x / 1000) * 1000)).toFixed(2);
}

export function* generateBorrowers(opts: DemoOptions): Generator<BorrowerBundle> {
  const rng = new Rng(opts.seed);
  // ids for the furnishing consents, from their own stream so the rest of the data stays as it was
  const consentIds = new Rng(opts.seed ^ 0xf00d);
  const today = businessDate(opts.asOf);
  const nowIso = opts.asOf.toISOString();
  const categories: [BorrowerCategory, number][] = [
    ['STARTUP_MICRO_ENTERPRISE', 35],
    ['RURAL_HOUSEHOLD', 40],
    ['INDIVIDUAL_ENTREPRENEUR', 25],
  ];
  const countyTable = COUNTIES.map((c) => [c, c.weight] as const);
  for (let i = 0; i < opts.borrowers; i++) {
    const category = rng.weighted(categories);
    const county = rng.weighted(countyTable);
    const sector = rng.weighted(SECTORS_BY_CATEGORY[category] as unknown as [string, number][]);
    const enterprise = category === 'STARTUP_MICRO_ENTERPRISE';
    const nationalId = enterprise ? uscc(county.code, i + 1) : residentId(county.code, i);
    const name = enterprise
      ? `${county.name.replace(/[区县]$/, '')}${rng.pick(FIRM_WORDS)}${SECTOR_WORD[sector]}有限公司`
      : personName(rng);
    const yearsTrading = enterprise ? rng.int(0, 3) : category === 'RURAL_HOUSEHOLD' ? rng.int(1, 20) : rng.int(0, 2);
    const registeredOn = addDays(today, -(yearsTrading * 365 + rng.int(30, 330)));
    const id = rng.uuid();
    const borrower: BorrowerRow = {
      id,
      name,
      category,
      national_id_hash: hashNationalId(nationalId, opts.pepper),
      national_id_masked: maskNationalId(nationalId),
      county: county.name,
      sector,
      registered_on: registeredOn,
      created_at: nowIso,
    };
    const bank = rng.weighted(BANK_WEIGHTS);
    const insurer = rng.weighted(INSURER_WEIGHTS);
    const behaviour = rng.weighted(BEHAVIOURS);
    const accounts: AccountRow[] = [];
    const count =
      opts.accountsPerBorrower ??
      rng.weighted([
        [1, 3],
        [2, 5],
        [3, 2],
        [4, 1],
      ] as [number, number][]);
    for (let k = 0; k < count; k++) {
      const inst = k % 2 === 0 ? (k === 0 ? bank : rng.pick(BANKS)) : k === 1 ? insurer : rng.pick(INSURERS);
      const kind: AccountKind = k % 2 === 0 ? 'LOAN' : 'INSURANCE_POLICY';
      // only the first account carries the borrower's adverse behaviour; others are clean or mildly late
      const b: Behaviour = k === 0 ? behaviour : rng.chance(0.9) ? 'CLEAN' : 'LATE_30';
      const longAgo = b === 'DEFAULTED_LONG_AGO';
      const age = longAgo ? rng.int(72, 96) : rng.int(1, 36);
      const openedOn = addDays(addMonths(today, -age), -rng.int(0, 27));
      const amount = roundThousands(CATEGORY_CAP[category] * (0.2 + rng.next() * 0.8));
      const term = 12;
      let status: AccountStatus = 'CURRENT';
      let closedOn: string | null = null;
      let balance = new Decimal(amount);
      let statusMonth = monthOf(today);
      if (b === 'DEFAULTED' || longAgo) {
        status = kind === 'LOAN' ? (rng.chance(0.5) ? 'CHARGED_OFF' : 'CLAIM_PAID_BY_INSURER') : 'CLAIM_PAID_BY_INSURER';
        const defaultedAfter = Math.min(age, rng.int(7, 12));
        closedOn = addMonths(openedOn, defaultedAfter);
        if (closedOn > today) closedOn = today;
        statusMonth = monthOf(closedOn);
        balance = balance.mul(0.5 + rng.next() * 0.5).toDecimalPlaces(2);
      } else if (age > term) {
        status = 'PAID';
        closedOn = addMonths(openedOn, term);
        statusMonth = monthOf(closedOn);
        balance = new Decimal(0);
      } else if (b === 'OVERDUE_NOW') {
        status = DPD[rng.int(0, 2)];
      } else if (rng.chance(0.4)) {
        balance = balance
          .mul(term - age)
          .div(term)
          .toDecimalPlaces(2);
      }
      const months = monthsBetween(monthOf(openedOn), statusMonth);
      let pattern = history(rng, months, b, closedOn ? status : null);
      if (b === 'OVERDUE_NOW' && !closedOn) pattern = STATUS_CODE[status] + pattern.slice(1);
      accounts.push({
        id: rng.uuid(),
        institution_id: inst,
        borrower_id: id,
        account_ref: `${kind === 'LOAN' ? 'LN' : 'PL'}-${String(i + 1).padStart(7, '0')}-${k + 1}`,
        kind,
        original_amount: amount,
        balance: balance.toFixed(2),
        opened_on: openedOn,
        closed_on: closedOn,
        status,
        status_month: statusMonth,
        payment_history: pattern,
        furnishing_consent_id: null,
        created_at: nowIso,
        updated_at: nowIso,
      });
    }
    const customerSince = new Map<string, string>();
    for (const a of accounts) if (!customerSince.has(a.institution_id)) customerSince.set(a.institution_id, `${a.opened_on}T02:00:00.000Z`);
    // every account was reported under the borrower's FURNISHING consent to that institution,
    // granted when the first one opened, for 5 years (an older one has lapsed: its accounts may still be updated)
    const furnishing: ConsentRow[] = [];
    for (const a of [...accounts].sort((x, y) => x.opened_on.localeCompare(y.opened_on))) {
      let c = furnishing.find((f) => f.institution_id === a.institution_id);
      if (!c) {
        const granted = `${a.opened_on}T02:00:00.000Z`;
        c = {
          id: consentIds.uuid(),
          borrower_id: id,
          institution_id: a.institution_id,
          purpose: 'FURNISHING',
          granted_at: granted,
          expires_at: `${addYears(a.opened_on, 5)}T02:00:00.000Z`,
          revoked_at: null,
          scope: a.kind === 'LOAN' ? ['LOAN', 'GUARANTEE'] : ['INSURANCE_POLICY', 'GUARANTEE'],
        };
        furnishing.push(c);
      }
      a.furnishing_consent_id = c.id;
    }
    const consents: ConsentRow[] = [];
    const inquiries: InquiryRow[] = [];
    const consentTo = (institution: string, purpose: ConsentPurpose, state: 'active' | 'expired' | 'revoked') => {
      const granted = new Date(opts.asOf.getTime() - rng.int(5, 120) * 86_400_000);
      const expires =
        state === 'expired'
          ? new Date(opts.asOf.getTime() - rng.int(1, 4) * 86_400_000)
          : new Date(opts.asOf.getTime() + (opts.consentAll ? 4 * 365 : rng.int(30, 365)) * 86_400_000);
      const c: ConsentRow = {
        id: rng.uuid(),
        borrower_id: id,
        institution_id: institution,
        purpose,
        granted_at: granted.toISOString(),
        expires_at: expires.toISOString(),
        revoked_at: state === 'revoked' ? new Date(opts.asOf.getTime() - 86_400_000).toISOString() : null,
        scope: null,
      };
      consents.push(c);
      if (!customerSince.has(institution)) customerSince.set(institution, c.granted_at);
      return c;
    };
    if (opts.consentAll) {
      for (const b of BANKS) consentTo(b, 'LOAN_APPLICATION', 'active');
      for (const ins of INSURERS) consentTo(ins, 'UNDERWRITING', 'active');
    } else if (rng.chance(0.35)) {
      consentTo(bank, 'LOAN_APPLICATION', 'active');
      consentTo(insurer, 'UNDERWRITING', 'active');
      if (rng.chance(0.3)) consentTo(bank, 'POST_LOAN_MANAGEMENT', 'active');
    } else if (rng.chance(0.08)) {
      consentTo(bank, 'LOAN_APPLICATION', rng.chance(0.6) ? 'expired' : 'revoked');
    }
    const active = consents.filter((c) => c.revoked_at === null && c.expires_at > nowIso);
    const nInq = opts.inquiriesPerBorrower ?? (active.length ? rng.int(0, 3) : 0);
    for (let q = 0; q < nInq && active.length; q++) {
      const c = active[q % active.length];
      const at = new Date(
        Math.max(Date.parse(c.granted_at), opts.asOf.getTime() - rng.int(1, 170) * 86_400_000) + rng.int(0, 36_000) * 1000,
      );
      inquiries.push({
        id: rng.uuid(),
        borrower_id: id,
        institution_id: c.institution_id,
        user_id: `${c.institution_id}-officer-${rng.int(1, 9)}`,
        purpose: c.purpose,
        consent_id: c.id,
        inquired_at: (at > opts.asOf ? opts.asOf : at).toISOString(),
      });
    }
    const customers = [...customerSince].map(([institution_id, since]) => ({ institution_id, borrower_id: id, since }));
    yield { borrower, nationalId, customers, accounts, consents: [...consents, ...furnishing], inquiries };
  }
}
