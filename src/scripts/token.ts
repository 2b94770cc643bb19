import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { signDevToken } from '../auth/tokens.js';
import { loadConfigOrExit, type Config } from '../config.js';
import { openDatabase, rows } from '../db/client.js';
import { INSTITUTION_ROLES, ROLES, type Role } from '../domain.js';

// npm run token -- --role BANK --inst saibei-rural-bank [--sub officer-7] [--ttl 3600]
const { values } = parseArgs({
  options: {
    role: { type: 'string' },
    inst: { type: 'string' },
    bid: { type: 'string' },
    sub: { type: 'string' },
    ttl: { type: 'string', default: String(30 * 24 * 3600) },
  },
});
const role = values.role?.toUpperCase();
if (!role || !(ROLES as readonly string[]).includes(role)) {
  console.error(`--role must be one of ${ROLES.join(', ')}`);
  process.exit(2);
}
if ((INSTITUTION_ROLES as readonly string[]).includes(role) && !values.inst) {
  console.error(`--inst <institution id> is required for ${role}`);
  process.exit(2);
}
if (role === 'BORROWER' && !values.bid) {
  console.error('--bid <borrower id> is required for BORROWER');
  process.exit(2);
}
const config = loadConfigOrExit();

interface Known {
  id: string;
  kind: string;
  active: boolean;
}

/** A refusal: one line on stderr, exit 1. */
class Refused extends Error {}

/**
 * The institution directory, from where it lives: the PostgreSQL database of DATABASE_URL; else
 * the running server (embedded PGlite allows one process only, so a second one must not open the
 * data directory under it), asked as a one-minute ADMIN; else, when no server answers, the data
 * directory itself.
 */
async function directory(cfg: Config): Promise<Known[]> {
  if (cfg.databaseUrl) return fromDatabase({ url: cfg.databaseUrl, poolSize: 1 }, 'the database at DATABASE_URL');
  const fromServer = await fromRunningServer(cfg);
  if (fromServer) return fromServer;
  const dir = path.resolve(cfg.dataDir, 'pglite');
  if (!existsSync(dir)) throw new Refused(`no database at ${dir} and no server on port ${cfg.port}: run npm start first`);
  return fromDatabase({ dataDir: dir }, dir);
}

async function fromDatabase(opts: { url?: string; dataDir?: string; poolSize?: number }, where: string): Promise<Known[]> {
  const db = await openDatabase(opts).catch((err: Error) => {
    throw new Refused(`cannot open ${where}: ${err.message.split('\n')[0]}`);
  });
  try {
    return await rows<Known>(db.orm, sql`select id, kind, deactivated_at is null as active from institutions order by id`);
  } catch {
    throw new Refused(`${where} has no institutions table: run npm run migrate (or npm start) first`);
  } finally {
    await db.close();
  }
}

/** The directory as the server on this configuration's port answers it; null when none listens there. */
async function fromRunningServer(cfg: Config): Promise<Known[] | null> {
  const host = cfg.host === '0.0.0.0' || cfg.host === '::' ? '127.0.0.1' : cfg.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${cfg.port}/graphql`;
  const admin = await signDevToken(cfg.jwt, { sub: 'npm-run-token', role: 'ADMIN' }, 60);
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify({ query: '{ institutions { id kind active } }' }),
      signal: AbortSignal.timeout(5000),
    });
  } catch {
    return null; // nothing listens there: read the data directory
  }
  const body = (await res.json().catch(() => null)) as { data?: { institutions?: Known[] }; errors?: { message: string }[] } | null;
  if (!body?.data?.institutions) {
    const why = body?.errors?.[0]?.message ?? `HTTP ${res.status}`;
    throw new Refused(`the server at ${url} would not list its institutions (${why}): is it signing with the same JWT_SECRET?`);
  }
  return body.data.institutions;
}

/** Why a token for `role` naming `id` would be refused by the server, or null. */
function problemWith(list: Known[], role: string, id: string): string | null {
  const inst = list.find((i) => i.id === id);
  const ofKind = list.filter((i) => i.kind === role && i.active).map((i) => i.id);
  const choices = ofKind.length ? `; ${role} institutions: ${ofKind.join(', ')}` : `; there is no active ${role} institution`;
  if (!inst) return `no institution "${id}" in the database${choices}`;
  if (inst.kind !== role) return `"${id}" is an institution of kind ${inst.kind}, not ${role}${choices}`;
  if (!inst.active) return `"${id}" is deactivated: the server refuses its tokens${choices}`;
  return null;
}

const sub = values.sub ?? (role === 'BORROWER' ? `borrower-${values.bid!.slice(0, 8)}` : `${values.inst ?? 'admin'}-user`);
try {
  if (values.inst && (INSTITUTION_ROLES as readonly string[]).includes(role)) {
    const problem = problemWith(await directory(config), role, values.inst);
    if (problem) throw new Refused(problem);
  }
  console.log(await signDevToken(config.jwt, { sub, role: role as Role, inst: values.inst, bid: values.bid }, Number(values.ttl)));
} catch (err) {
  console.error(`npm run token: ${(err as Error).message}`);
  process.exit(1);
}
