import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config.js';
import { MIGRATIONS_DIR, openDatabase } from '../db/client.js';
import { migrateDatabase } from '../db/migrate.js';

/**
 * A fresh embedded database starts from a migrated template directory instead of running
 * PGlite's initdb and every migration again (1.5–4.5 s of a first start). The template is the
 * very same migrations applied by the same migrator (`migrateDatabase`), once per machine,
 * kept under node_modules/.cache/credit-share/ and named by a hash of the migrations and of the
 * PGlite and drizzle versions: a new migration or upgrade makes a new template, never a stale
 * one. The first start on a machine builds it (`tsx src/demo/template-cli.ts` does ahead of
 * time). The copy is then opened and migrated as usual, so its journal is checked:
 * `migrateDatabase` finds every migration applied and has nothing to do.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Where templates are kept unless PGLITE_TEMPLATE_CACHE (Config.pgliteTemplateCache) moves them: the bench's start on a machine without one. */
export const TEMPLATE_CACHE = path.join(ROOT, 'node_modules/.cache/credit-share');

function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** The template's key: every migration file (and the journal), the PGlite and drizzle-orm versions. */
export function templateKey(): string {
  const h = createHash('sha256');
  const files = (dir: string, rel = ''): string[] =>
    readdirSync(dir, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))
      .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name), `${rel}${e.name}/`) : [`${rel}${e.name}`]));
  for (const f of files(MIGRATIONS_DIR))
    h.update(f)
      .update('\0')
      .update(readFileSync(path.join(MIGRATIONS_DIR, f)))
      .update('\0');
  h.update(`pglite ${packageVersion('@electric-sql/pglite')} drizzle ${packageVersion('drizzle-orm')}`);
  return h.digest('hex').slice(0, 16);
}

export const templateDir = (cache = TEMPLATE_CACHE) => path.join(cache, `pglite-${templateKey()}`);

const isEmptyDir = (dir: string) => !existsSync(dir) || readdirSync(dir).length === 0;

/** Copy `from` to `to` through a temporary sibling and a rename, so no reader ever sees half a copy. */
function copyAtomically(from: string, to: string) {
  const tmp = `${to}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(path.dirname(to), { recursive: true });
  cpSync(from, tmp, { recursive: true });
  try {
    if (existsSync(to) && isEmptyDir(to)) rmSync(to, { recursive: true }); // only ever an empty one
    renameSync(tmp, to);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(path.join(to, 'PG_VERSION'))) throw err;
  }
}

/** Build the migrated template (a no-op when it exists). Returns its directory. */
export async function buildTemplate(cache = TEMPLATE_CACHE): Promise<string> {
  const dir = templateDir(cache);
  if (existsSync(path.join(dir, 'PG_VERSION'))) return dir;
  const work = `${dir}.build-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  const db = await openDatabase({ dataDir: work });
  try {
    await migrateDatabase(db);
  } finally {
    await db.close();
  }
  try {
    renameSync(work, dir);
  } catch (err) {
    rmSync(work, { recursive: true, force: true });
    if (!existsSync(path.join(dir, 'PG_VERSION'))) throw err; // else another process built it first
  }
  // templates of earlier migrations are never used again
  for (const old of readdirSync(cache))
    if (/^pglite-[0-9a-f]{16}$/.test(old) && path.join(cache, old) !== dir) rmSync(path.join(cache, old), { recursive: true, force: true });
  return dir;
}

/** The embedded database's directory (as `openConfiguredDatabase` opens it), seeded from the template when new. */
export async function prepareEmbeddedDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir' | 'pgliteTemplateCache'>) {
  return config.databaseUrl ? 'postgres' : await seedFromTemplate(path.resolve(config.dataDir, 'pglite'), config.pgliteTemplateCache);
}

/**
 * Before opening an embedded database at `dataDir`: when it does not exist yet, start it as a
 * copy of the migrated template (built first if this machine has none). Returns what it did.
 * Any failure (read-only node_modules, no space) leaves `dataDir` alone: the database is then
 * created the ordinary way.
 */
export async function seedFromTemplate(dataDir: string, cache = TEMPLATE_CACHE): Promise<'seeded' | 'exists' | 'failed'> {
  if (!isEmptyDir(dataDir)) return 'exists';
  try {
    copyAtomically(await buildTemplate(cache), dataDir);
    return 'seeded';
  } catch {
    return 'failed';
  }
}
