import { loadConfigOrExit } from '../config.js';
import { openConfiguredDatabase } from '../db/open.js';

// npm run migrate: apply the committed migrations (under an advisory lock on PostgreSQL) and exit.
const config = loadConfigOrExit();
const started = Date.now();
const db = await openConfiguredDatabase(config);
await db.close();
console.log(`migrations applied (${db.driver}) in ${Date.now() - started} ms`);
