/**
 * Access tokens (RFC 9068 JWT profile) and pending-2FA tokens, signed ES256 with the service's own
 * keys. Verification allows ES256 only, checks typ, iss, aud and expiry, and resolves `kid` only
 * against the service's published keys.
 */
import { errors, importJWK, jwtVerify, SignJWT, type CryptoKey, type JWTPayload, type JWTHeaderParameters } from 'jose';
import { randomUUID } from 'node:crypto';
import { config } from '../config';
import { now } from '../clock';
import { ErrorCode, Unauthenticated } from '../errors';
import type { Role } from '../model/user';
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

const TYP = 'at+jwt';
const ALG = 'ES256';

export async function signToken(claims: TokenClaims, ttlSeconds: number): Promise<{ token: string; expiresIn: number; jti: string }> {
  const c = config();
  const key = await activeSigningKey();
  const issuedAt = Math.floor(now().getTime() / 1000);
  const jti = randomUUID();
  const token = await new SignJWT({ ...claims } as unknown as JWTPayload)
    .setProtectedHeader({ alg: ALG, typ: TYP, kid: key.kid })
    .setIssuer(c.TOKEN_ISSUER)
    .setAudience(c.TOKEN_AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + ttlSeconds)
    .setJti(jti)
    .sign(key.privateKey);
  return { token, expiresIn: ttlSeconds, jti };
}

let lastRefresh = 0;
/** Imported public keys by kid: importing on every request would repeat work on the hot path. */
const imported = new Map<string, Promise<CryptoKey | Uint8Array>>();

/** Resolves a token's kid against our own keys; an unknown kid reloads the key set at most every 30 s. */
async function keyFor(header: JWTHeaderParameters) {
  let candidates = await publishedKeys();
  let match = candidates.find((k) => k.kid === header.kid);
  const t = now().getTime();
  if (!match && t - lastRefresh > 30_000) {
    lastRefresh = t;
    candidates = await publishedKeys({ refresh: true });
    match = candidates.find((k) => k.kid === header.kid);
  }
  if (!match) throw new Unauthenticated('The token was not signed by this service', ErrorCode.invalidToken);
  let key = imported.get(match.kid);
  if (!key) imported.set(match.kid, (key = importJWK(match.publicJwk, ALG)));
  return key;
}

export async function verifyToken(token: string): Promise<TokenClaims & JWTPayload> {
  const c = config();
  try {
    const { payload } = await jwtVerify(token, keyFor, {
      algorithms: [ALG],
      issuer: c.TOKEN_ISSUER,
      audience: c.TOKEN_AUDIENCE,
      typ: TYP,
      currentDate: now(),
      requiredClaims: ['sub', 'exp', 'iat', 'org', 'role', 'aal', 'auth_time'],
    });
    return payload as TokenClaims & JWTPayload;
  } catch (error) {
    if (error instanceof Unauthenticated) throw error;
    const message =
      error instanceof errors.JWTExpired
        ? 'The token has expired'
        : error instanceof errors.JOSEError
          ? 'The token is invalid'
          : 'The token is malformed';
    throw new Unauthenticated(message, ErrorCode.invalidToken);
  }
}
