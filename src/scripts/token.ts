import { parseArgs } from 'node:util';
import { signDevToken } from '../auth/tokens.js';
import { loadConfigOrExit } from '../config.js';
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
const sub = values.sub ?? (role === 'BORROWER' ? `borrower-${values.bid!.slice(0, 8)}` : `${values.inst ?? 'admin'}-user`);
try {
  console.log(await signDevToken(config.jwt, { sub, role: role as Role, inst: values.inst, bid: values.bid }, Number(values.ttl)));
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
