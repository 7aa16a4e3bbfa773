/**
 * Compact ES256 JWTs (RFC 7515, RFC 7519), signed and checked synchronously with node:crypto.
 *
 * Why not jose, which made them before: jose signs through WebCrypto, where every signature is a
 * job on libuv's thread pool that the main thread waits for; with it the verify step's own code
 * cost 0.72 ms of CPU, with this 0.38 ms (`npx tsx test/bench/load/in-process.ts`). The synchronous
 * JWT libraries cost more than that at every cold start (README, Performance). The tests keep jose
 * as the reference both ways (test/unit/jws.test.ts).
 *
 * Keys go to node:crypto as KeyObjects, not in an options object: Node tells an options object from
 * a key by two thrown and caught exceptions per call, a third of a signature's cost. So node:crypto
 * makes and checks DER signatures, and ecdsa-sig-formatter converts them to and from the JWS form
 * (IEEE P1363: r and s, 32 bytes each).
 *
 * Only what the service's own tokens use is accepted: alg ES256 and nothing else, no `crit`
 * extensions, the compact serialization with an exact-length signature, a `typ` the caller names
 * with the audience and claims a token of that kind must carry.
 */
import { sign, verify, type KeyObject } from 'node:crypto';
import { derToJose, joseToDer } from 'ecdsa-sig-formatter';

export const ALG = 'ES256';
/** P-256 r and s, 32 bytes each (IEEE P1363), base64url without padding. */
const SIGNATURE_CHARS = 86;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

export class InvalidJwt extends Error {
  constructor(
    message: string,
    readonly expired = false,
  ) {
    super(message);
  }
}

export interface JwtHeader {
  alg: typeof ALG;
  typ: string;
  kid: string;
}

export type JwtPayload = Record<string, unknown> & { iss: string; aud: string | string[]; exp: number; iat: number };

/** What a token of one `typ` must hold. */
export interface JwtKind {
  audience: string;
  /** Claims that must be present, beside iss, aud, exp and iat. */
  required: readonly string[];
}

export interface JwtRules {
  issuer: string;
  /** Epoch seconds. */
  now: number;
  /** The kinds of token accepted, by their `typ`. */
  kinds: Readonly<Record<string, JwtKind>>;
}

const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

export function signJwt(header: Omit<JwtHeader, 'alg'>, payload: JwtPayload, key: KeyObject): string {
  const input = `${encode({ alg: ALG, ...header })}.${encode(payload)}`;
  return `${input}.${derToJose(sign('sha256', Buffer.from(input), key), ALG)}`;
}

function decodeObject(part: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidJwt('not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidJwt('not a JSON object');
  return value as Record<string, unknown>;
}

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/**
 * The kind and payload of a token this service signed, once its signature and claims hold.
 * `keyFor` finds the public key of a `kid` (it may throw its own error for an unknown one).
 */
export async function verifyJwt(
  token: string,
  keyFor: (kid: string) => KeyObject | Promise<KeyObject>,
  rules: JwtRules,
): Promise<{ typ: string; payload: JwtPayload }> {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part))) throw new InvalidJwt('not a compact JWS');
  const [encodedHeader, encodedPayload, signature] = parts as [string, string, string];
  if (signature.length !== SIGNATURE_CHARS) throw new InvalidJwt('signature of the wrong length');
  const header = decodeObject(encodedHeader);
  if (header.alg !== ALG) throw new InvalidJwt('alg not allowed');
  // RFC 7515 §4.1.11: an extension the recipient does not understand makes the token invalid.
  if ('crit' in header) throw new InvalidJwt('crit not supported');
  const typ = header.typ;
  if (typeof typ !== 'string' || !Object.hasOwn(rules.kinds, typ)) throw new InvalidJwt('wrong typ');
  const kind = rules.kinds[typ]!;
  if (typeof header.kid !== 'string') throw new InvalidJwt('no kid');
  const key = await keyFor(header.kid);
  const signed = verify('sha256', Buffer.from(`${encodedHeader}.${encodedPayload}`), key, joseToDer(Buffer.from(signature, 'base64url'), ALG));
  if (!signed) throw new InvalidJwt('signature does not verify');

  const payload = decodeObject(encodedPayload);
  for (const claim of ['iss', 'aud', 'exp', 'iat', ...kind.required]) if (!(claim in payload)) throw new InvalidJwt(`no ${claim}`);
  if (payload.iss !== rules.issuer) throw new InvalidJwt('wrong iss');
  const audience = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (!audience.includes(kind.audience)) throw new InvalidJwt('wrong aud');
  if (!isNumber(payload.exp) || !isNumber(payload.iat)) throw new InvalidJwt('exp and iat must be numbers');
  if ('nbf' in payload && (!isNumber(payload.nbf) || payload.nbf > rules.now)) throw new InvalidJwt('not yet valid');
  if (payload.exp <= rules.now) throw new InvalidJwt('expired', true);
  return { typ, payload: payload as JwtPayload };
}
