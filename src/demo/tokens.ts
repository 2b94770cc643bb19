import { sql } from 'drizzle-orm';
import { signDevToken } from '../auth/tokens.js';
import type { Config } from '../config.js';
import { one, rows, type Database } from '../db/client.js';
import type { Role } from '../domain.js';

export interface DemoLogin {
  role: string;
  token: string;
  note: string;
}

/** One ready-to-paste development token per role, pointing at demo institutions and a demo borrower. */
export async function demoLogins(config: Config, db: Database): Promise<DemoLogin[]> {
  if (config.jwt.mode !== 'hs256') return [];
  const sample = await one<{ borrower_id: string; institution_id: string }>(
    db.orm,
    sql`select c.borrower_id, c.institution_id from consents c join institutions i on i.id = c.institution_id
        where c.revoked_at is null and c.expires_at > now() and c.purpose = 'LOAN_APPLICATION' and i.kind = 'BANK'
        order by c.granted_at, c.id limit 1`,
  );
  const list = await rows<{ id: string; kind: string }>(db.orm, sql`select id, kind from institutions order by kind, id`);
  const firstOf = (kind: string) => list.find((i) => i.kind === kind)?.id;
  const bank = sample?.institution_id ?? firstOf('BANK');
  const out: DemoLogin[] = [];
  const add = async (role: Role, note: string, extra: { inst?: string; bid?: string }, sub: string) =>
    out.push({ role, note, token: await signDevToken(config.jwt, { sub, role, ...extra }) });
  await add('ADMIN', 'platform admin / auditor', {}, 'admin-1');
  const gov = firstOf('GOVERNMENT');
  if (gov) await add('GOVERNMENT', gov, { inst: gov }, `${gov}-analyst`);
  if (bank) await add('BANK', bank, { inst: bank }, `${bank}-officer-1`);
  const insurer = firstOf('INSURER');
  if (insurer) await add('INSURER', insurer, { inst: insurer }, `${insurer}-underwriter-1`);
  if (sample)
    await add(
      'BORROWER',
      `borrower ${sample.borrower_id} (has consented to ${sample.institution_id})`,
      { bid: sample.borrower_id },
      `borrower-${sample.borrower_id.slice(0, 8)}`,
    );
  for (const b of await withPublicRecords(db)) {
    const what = b.listed ? 'on the court’s dishonest-debtor list: the quote is ineligible' : `public records: ${b.kinds}`;
    await add('BORROWER', `borrower ${b.id} (${what}; consented to ${b.bank})`, { bid: b.id }, `borrower-${b.id.slice(0, 8)}`);
  }
  // the authorities: each furnishes public records of its own kinds (furnishPublicRecords)
  for (const ds of await rows<{ id: string; authority: string }>(
    db.orm,
    sql`select id, authority from institutions where kind = 'DATA_SOURCE' and deactivated_at is null order by id`,
  ))
    await add('DATA_SOURCE', `${ds.id} (${ds.authority})`, { inst: ds.id }, `${ds.id}-clerk-1`);
  return out;
}

/** Demo borrowers whose profile shows public records, the listed one first, with the bank they consented to. */
function withPublicRecords(db: Database) {
  return rows<{ id: string; listed: boolean; kinds: string; bank: string }>(
    db.orm,
    sql`select b.id, bool_or(r.kind = 'DISHONEST_DEBTOR' and r.status = 'ACTIVE') as listed,
          string_agg(distinct r.kind, ', ') as kinds, min(c.institution_id) as bank
        from borrowers b
        join public_records r on r.national_id_hash = b.national_id_hash and r.deleted_at is null and r.status <> 'REVOKED'
        join consents c on c.borrower_id = b.id and c.purpose = 'LOAN_APPLICATION' and c.revoked_at is null and c.expires_at > now()
        join institutions i on i.id = c.institution_id and i.kind = 'BANK'
        group by b.id
        order by listed desc, b.id
        limit 2`,
  );
}
