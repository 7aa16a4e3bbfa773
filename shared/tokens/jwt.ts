/**
 * Access tokens (RFC 9068 JWT profile) and pending-2FA tokens, signed ES256 with the service's own
 * keys. Verification allows ES256 only, checks typ, iss, aud and expiry, and resolves `kid` only
 * against the service's published keys.
 */
import { createPublicKey, randomUUID, type KeyObject } from 'node:crypto';
import { config } from '../config';
import { now } from '../clock';
import { ErrorCode, Unauthenticated } from '../errors';
import type { Role } from '../model/user';
import { InvalidJwt, signJwt, verifyJwt, type JwtPayload } from './jws';
import { activeSigningKey, publishedKeys } from './signing-keys';

/**
 * RFC 8176 authentication method reference values. `user`: the authenticator verified the user (a
 * PIN or biometric), which with `hwk` makes a passkey sign-in two factors in one. `email` for email
 * codes (RFC 8176 has none; `otp` means HOTP/TOTP). `dev`: a remembered device stood in for the
 * second factor (not in RFC 8176; documented in the README).
 */
export type Amr = 'pwd' | 'otp' | 'sms' | 'hwk' | 'mfa' | 'user' | 'email' | 'dev';

export interface TokenClaims {
  sub: string;
  org: number;
  role: Role;
  aal: 1 | 2;
  amr: Amr[];
  sid?: string;
  auth_time: number;
  /**
   * "2fa": a pending login token that can only finish (or enrol) a second factor; "reset": a pending
   * password reset that only a second factor at /2fa/authenticate finishes. Neither works as the other.
   */
  scope?: '2fa' | 'reset';
  /** RFC 8693 actor: the support user behind an impersonation token. */
  act?: { sub: string };
}

/**
 * An access token is RFC 9068's `at+jwt`, for the API's audience. A pending token (a `scope`) is not
 * one: it is typed `pending+jwt` and addressed to the issuer itself, so that a relying party that
 * checks `typ` or `aud`, as RFC 9068 asks, refuses it although it verifies against the same JWKS.
 * (The scope alone decides what a token may do here.)
 */
const ACCESS_TYP = 'at+jwt';
const PENDING_TYP = 'pending+jwt';

export async function signToken(claims: TokenClaims, ttlSeconds: number): Promise<{ token: string; expiresIn: number; jti: string }> {
  const c = config();
  const key = await activeSigningKey();
  const issuedAt = Math.floor(now().getTime() / 1000);
  const jti = randomUUID();
  const pending = claims.scope !== undefined;
  const aud = pending ? c.TOKEN_ISSUER : c.TOKEN_AUDIENCE;
  const payload = { ...claims, iss: c.TOKEN_ISSUER, aud, iat: issuedAt, exp: issuedAt + ttlSeconds, jti };
  const token = signJwt({ typ: pending ? PENDING_TYP : ACCESS_TYP, kid: key.kid }, payload, key.privateKey);
  return { token, expiresIn: ttlSeconds, jti };
}

let lastRefresh = 0;
/** Imported public keys by kid: importing on every request would repeat work on the hot path. */
const imported = new Map<string, KeyObject>();

/** Resolves a token's kid against our own keys; an unknown kid reloads the key set at most every 30 s. */
async function keyFor(kid: string): Promise<KeyObject> {
  let candidates = await publishedKeys();
  let match = candidates.find((k) => k.kid === kid);
  const t = now().getTime();
  if (!match && t - lastRefresh > 30_000) {
    lastRefresh = t;
    candidates = await publishedKeys({ refresh: true });
    match = candidates.find((k) => k.kid === kid);
  }
  if (!match) throw new Unauthenticated('The token was not signed by this service', ErrorCode.invalidToken);
  let key = imported.get(match.kid);
  if (!key) imported.set(match.kid, (key = createPublicKey({ key: match.publicJwk, format: 'jwk' })));
  return key;
}

export async function verifyToken(token: string): Promise<TokenClaims & JwtPayload & { jti?: string }> {
  const c = config();
  try {
    const required = ['sub', 'org', 'role', 'aal', 'auth_time'];
    const { typ, payload } = await verifyJwt(token, keyFor, {
      issuer: c.TOKEN_ISSUER,
      now: Math.floor(now().getTime() / 1000),
      kinds: { [ACCESS_TYP]: { audience: c.TOKEN_AUDIENCE, required }, [PENDING_TYP]: { audience: c.TOKEN_ISSUER, required: [...required, 'scope'] } },
    });
    if (typ === PENDING_TYP && payload.scope !== '2fa' && payload.scope !== 'reset') throw new InvalidJwt('a pending token of no known scope');
    return payload as TokenClaims & JwtPayload & { jti?: string };
  } catch (error) {
    if (!(error instanceof InvalidJwt)) throw error;
    throw new Unauthenticated(error.expired ? 'The token has expired' : 'The token is invalid', ErrorCode.invalidToken);
  }
}
