import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { badInput } from '../../errors.js';

/**
 * The SSRF guard: a webhook goes only to a public address. https only in production; private,
 * loopback, link-local, unique-local, carrier-grade NAT, documentation, multicast and reserved
 * addresses are refused after DNS resolution, at registration and again on every connection
 * (the delivery connects to the address it checked, so a name that later resolves inward — DNS
 * rebinding — is refused too). Loopback only when `allowLoopback` (tests; never in production).
 */
export interface GuardOptions {
  production: boolean;
  allowLoopback: boolean;
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

const REFUSED = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata at 169.254.169.254)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  REFUSED.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['64:ff9b::', 96], // NAT64 (reaches IPv4 through a translator)
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard
  ['2001::', 32], // Teredo
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) {
  REFUSED.addSubnet(net, bits, 'ipv6');
}

/** An IPv4 address written inside IPv6 (::ffff:a.b.c.d, ::a.b.c.d), as IPv4; else the address. */
function unwrap(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const a = address.toLowerCase().replace(/^\[|\]$/g, '');
  if (isIP(a) === 4) return { address: a, family: 'ipv4' };
  const dotted = /^(?:0{0,4}:){0,5}(?:ffff:)?(\d+\.\d+\.\d+\.\d+)$/.exec(a.replace(/^::/, '0:'));
  if (dotted && isIP(dotted[1]) === 4) return { address: dotted[1], family: 'ipv4' };
  const hex = /^(?:0{0,4}:){0,5}ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(a.replace(/^::/, '0:'));
  if (hex) {
    const hi = parseInt(hex[1], 16);
    const lo = parseInt(hex[2], 16);
    return { address: `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`, family: 'ipv4' };
  }
  return { address: a, family: 'ipv6' };
}

/** Why an address may not receive webhooks, or null when it may. */
export function refusal(address: string, opts: Pick<GuardOptions, 'allowLoopback'>): string | null {
  const u = unwrap(address);
  if (isIP(u.address) === 0) return 'not an IP address';
  if (opts.allowLoopback && LOOPBACK.check(u.address, u.family)) return null;
  if (REFUSED.check(u.address, u.family)) return `${address} is a private, loopback, link-local or reserved address`;
  return null;
}

/** The URL's form: absolute, https (http too outside production), no credentials in it. */
export function checkUrlForm(raw: string, opts: GuardOptions): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw badInput('url is not an absolute URL', { field: 'url' });
  }
  const schemes = opts.production ? ['https:'] : ['https:', 'http:'];
  if (!schemes.includes(url.protocol)) {
    throw badInput(opts.production ? 'url must be https' : 'url must be http or https', { field: 'url' });
  }
  if (url.username || url.password) throw badInput('url must not carry credentials', { field: 'url' });
  if (!url.hostname) throw badInput('url has no host', { field: 'url' });
  if (raw.length > 2000) throw badInput('url is too long', { field: 'url' });
  return url;
}

const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, '');

function resolveAll(host: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) =>
    dnsLookup(host, { all: true, verbatim: true }, (err, list) => (err ? reject(err) : resolve(list))),
  );
}

/** Registration: the URL's form, then every address its host resolves to. BAD_USER_INPUT naming the reason. */
export async function checkUrl(raw: string, opts: GuardOptions): Promise<URL> {
  const url = checkUrlForm(raw, opts);
  const host = hostOf(url);
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = (await resolveAll(host)).map((a) => a.address);
    } catch {
      throw badInput(`url: ${host} does not resolve`, { field: 'url' });
    }
  }
  if (addresses.length === 0) throw badInput(`url: ${host} does not resolve`, { field: 'url' });
  for (const a of addresses) {
    const why = refusal(a, opts);
    if (why) throw badInput(`url refused: ${why}`, { field: 'url' });
  }
  return url;
}

/**
 * A `lookup` for http.request that resolves, refuses the connection when any address the name
 * has is refused, and otherwise connects to a checked one.
 */
export function guardedLookup(opts: Pick<GuardOptions, 'allowLoopback'>): LookupFunction {
  return (hostname, options, callback) => {
    resolveAll(hostname).then(
      (list) => {
        const bad = list.map((a) => refusal(a.address, opts)).find(Boolean);
        if (bad || list.length === 0) {
          callback(Object.assign(new Error(`refused: ${bad ?? 'no address'}`), { code: 'EWEBHOOKREFUSED' }), '', 4);
          return;
        }
        const wanted = options.family === 4 || options.family === 6 ? list.filter((a) => a.family === options.family) : list;
        if (options.all) callback(null, wanted);
        else if (wanted[0]) callback(null, wanted[0].address, wanted[0].family);
        else callback(Object.assign(new Error('no address of the wanted family'), { code: 'ENOTFOUND' }), '', 4);
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 4),
    );
  };
}

/** At delivery: the literal IP host's check (http.request does not call lookup for one); null when fine. */
export function literalRefusal(url: URL, opts: GuardOptions): string | null {
  if (opts.production && url.protocol !== 'https:') return 'not https';
  const host = hostOf(url);
  return isIP(host) ? refusal(host, opts) : null;
}
