import { allow, definePolicy } from '../../auth/policy.js';
import { AUTHORITY_RECORD_KINDS, type AuthorityKind, type PublicRecordKind } from '../../domain.js';

/**
 * Who may write public records (公共信息): only the authority that decided them, through a
 * DATA_SOURCE identity, and only kinds within its remit. Banks and insurers never: a court
 * listing is not an account status anyone can set.
 */
export const publicRecordPolicy = definePolicy('Public record', {
  /** A court, the tax bureau or the market regulator furnishes records of its own decisions. */
  furnish: allow(['DATA_SOURCE']),
  /** …of the kinds its authority decides (AUTHORITY_RECORD_KINDS): a tax bureau lists no dishonest debtors. */
  furnishKind: allow(
    ['DATA_SOURCE'],
    (_a, x: { authority: AuthorityKind | null; kind: PublicRecordKind }) =>
      x.authority !== null && AUTHORITY_RECORD_KINDS[x.authority].includes(x.kind),
  ),
  /** An authority pages through the records it furnished. */
  listFurnished: allow(['DATA_SOURCE']),
  /** …and only its own. */
  readFurnished: allow(['DATA_SOURCE'], (a, r: { authorityId: string }) => a.institutionId === r.authorityId),
});
