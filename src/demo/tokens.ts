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
  return out;
}
