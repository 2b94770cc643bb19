import { createRemoteJWKSet, errors as joseErrors, jwtVerify, SignJWT, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import type { JwtConfig } from '../config.js';
import { INSTITUTION_ROLES, ROLES, type Role } from '../domain.js';

const namesInstitution = (r: Role) => (INSTITUTION_ROLES as readonly Role[]).includes(r);
import { unauthenticated } from '../errors.js';
import type { Actor } from './actor.js';

const claimsSchema = z
  .object({
    sub: z.string().min(1).max(200),
    role: z.enum(ROLES),
    inst: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{1,62}$/)
      .optional(),
    bid: z.string().uuid().optional(),
  })
  .superRefine((c, ctx) => {
    if (namesInstitution(c.role) && !c.inst) {
      ctx.addIssue({ code: 'custom', message: `a ${c.role} token needs an inst claim` });
    }
    if (c.role === 'BORROWER' && !c.bid) ctx.addIssue({ code: 'custom', message: 'a BORROWER token needs a bid claim' });
  });

export type TokenVerifier = (token: string) => Promise<Actor>;

/** Verified tokens are remembered until they expire so the hot path skips the signature check. */
const CACHE_LIMIT = 10_000;

export function createTokenVerifier(cfg: JwtConfig): TokenVerifier {
  let key: Uint8Array | JWTVerifyGetKey;
  let algorithms: string[];
  if (cfg.mode === 'jwks') {
    key = createRemoteJWKSet(new URL(cfg.jwksUrl));
    algorithms = ['RS256', 'PS256', 'ES256', 'ES384', 'EdDSA'];
  } else {
    key = new TextEncoder().encode(cfg.secret);
    algorithms = ['HS256'];
  }
  const cache = new Map<string, { actor: Actor; exp: number }>();
  return async (token) => {
    const hit = cache.get(token);
    if (hit && hit.exp > Date.now() / 1000) return hit.actor;
    let payload;
    try {
      const options = { algorithms, issuer: cfg.issuer, audience: cfg.audience, requiredClaims: ['sub', 'exp'] };
      // jose's overloads take a key or a key getter, not their union
      ({ payload } = key instanceof Uint8Array ? await jwtVerify(token, key, options) : await jwtVerify(token, key, options));
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw unauthenticated('Token has expired');
      throw unauthenticated('Token is invalid');
    }
    const parsed = claimsSchema.safeParse(payload);
    if (!parsed.success) throw unauthenticated(`Token claims are invalid: ${parsed.error.issues[0].message}`);
    const c = parsed.data;
    const actor: Actor = Object.freeze({
      userId: c.sub,
      role: c.role,
      institutionId: namesInstitution(c.role) ? c.inst : undefined,
      borrowerId: c.role === 'BORROWER' ? c.bid : undefined,
    });
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(token, { actor, exp: payload.exp! });
    return actor;
  };
}

export interface DevTokenClaims {
  sub: string;
  role: Actor['role'];
  inst?: string;
  bid?: string;
}

/** HS256 tokens for development, tests and the demo; production uses the IdP's keys. */
export async function signDevToken(cfg: JwtConfig, claims: DevTokenClaims, ttlSeconds = 30 * 24 * 3600): Promise<string> {
  if (cfg.mode !== 'hs256') throw new Error('dev tokens need HS256 (JWT_SECRET); this server verifies with JWKS');
  const jwt = new SignJWT({ role: claims.role, ...(claims.inst ? { inst: claims.inst } : {}), ...(claims.bid ? { bid: claims.bid } : {}) })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds);
  if (cfg.issuer) jwt.setIssuer(cfg.issuer);
  if (cfg.audience) jwt.setAudience(cfg.audience);
  return jwt.sign(new TextEncoder().encode(cfg.secret));
}
