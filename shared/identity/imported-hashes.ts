/**
 * Password hashes brought from another system, verified as they are until the user's next successful
 * login re-hashes the password with ours (./passwords). Accepted: PHC strings `$scrypt$`,
 * `$pbkdf2-sha256$` / `$pbkdf2-sha512$` (the PHC form `i=…` and passlib's form with its adapted
 * base64), `$argon2id$`, and bcrypt's `$2a$` / `$2b$` / `$2y$`. Each format's cost is bounded when the
 * hash is imported, so a hostile file cannot make a login spend minutes or gigabytes (bcrypt cost 31
 * would run for days).
 */
import { pbkdf2, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

export type ImportedFormat = 'scrypt' | 'pbkdf2-sha256' | 'pbkdf2-sha512' | 'argon2id' | 'bcrypt';

interface Parsed {
  format: ImportedFormat;
  params: Record<string, number>;
  salt: Buffer;
  hash: Buffer;
}

/** PHC's base64 has no padding; passlib writes `.` for `+`. */
const b64 = (text: string) => Buffer.from(text.replace(/\./g, '+'), 'base64');
const B64 = /^[A-Za-z0-9+/.]+$/;

const params = (text: string): Record<string, number> | undefined => {
  const entries = text.split(',').map((pair) => pair.split('='));
  if (!entries.every(([k, v]) => k && v !== undefined && /^\d{1,10}$/.test(v))) return undefined;
  return Object.fromEntries(entries.map(([k, v]) => [k!, Number(v)]));
};

export class UnsupportedHash extends Error {}

const refuse = (why: string): never => {
  throw new UnsupportedHash(why);
};

const within = (name: string, value: number | undefined, min: number, max: number): number =>
  value !== undefined && Number.isInteger(value) && value >= min && value <= max ? value : refuse(`${name} must be between ${min} and ${max}`);

/** Parses and bounds an imported hash; throws UnsupportedHash saying why it cannot be used. */
export function parseImportedHash(hash: string): Parsed {
  if (hash.length > 512) refuse('the hash is too long');
  const bcrypt = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/.exec(hash);
  if (bcrypt) {
    const cost = within('bcrypt cost', Number(bcrypt[1]), 4, 15);
    return { format: 'bcrypt', params: { cost }, salt: Buffer.alloc(0), hash: Buffer.alloc(0) };
  }
  const [, id, ...fields] = hash.split('$');
  if (id === 'argon2id') {
    const [version, costs, salt, digest] = fields;
    if (version !== 'v=19' || !costs || !salt || !digest || !B64.test(salt) || !B64.test(digest)) refuse('an argon2id hash must be $argon2id$v=19$m=…,t=…,p=…$salt$hash');
    const p = params(costs!) ?? refuse('argon2id parameters must be m=…,t=…,p=…');
    within('argon2id memory (KiB)', p.m, 8, 256 * 1024);
    within('argon2id iterations', p.t, 1, 10);
    within('argon2id parallelism', p.p, 1, 8);
    return { format: 'argon2id', params: p, salt: b64(salt!), hash: b64(digest!) };
  }
  if (id === 'scrypt') {
    const [costs, salt, digest] = fields;
    const p = (costs && params(costs)) || refuse('a scrypt hash must be $scrypt$ln=…,r=…,p=…$salt$hash');
    within('scrypt ln', p.ln, 10, 20);
    within('scrypt r', p.r, 1, 32);
    within('scrypt p', p.p, 1, 16);
    if (2 ** p.ln! * p.r! * 128 > 256 * 2 ** 20) refuse('scrypt would need more than 256 MiB');
    return { format: 'scrypt', params: p, ...saltAndHash(salt, digest) };
  }
  if (id === 'pbkdf2-sha256' || id === 'pbkdf2-sha512') {
    const [costs, salt, digest] = fields;
    // PHC: `i=600000,l=32`; passlib: the bare rounds.
    const p = costs && /^\d{1,10}$/.test(costs) ? { i: Number(costs) } : ((costs ? params(costs) : undefined) ?? refuse(`a ${id} hash must be $${id}$i=…$salt$hash`));
    within(`${id} iterations`, p.i, 1000, 10_000_000);
    return { format: id, params: p, ...saltAndHash(salt, digest) };
  }
  return refuse('the hash is in none of the accepted formats ($scrypt$, $pbkdf2-sha256$, $pbkdf2-sha512$, $argon2id$, $2a$/$2b$/$2y$)');
}

function saltAndHash(salt: string | undefined, digest: string | undefined): { salt: Buffer; hash: Buffer } {
  if (!salt || !digest || !B64.test(salt) || !B64.test(digest)) refuse('the salt and hash must be base64');
  const parsed = { salt: b64(salt!), hash: b64(digest!) };
  if (parsed.salt.length < 8) refuse('the salt must be at least 8 bytes');
  if (parsed.hash.length < 16 || parsed.hash.length > 128) refuse('the hash must be 16 to 128 bytes');
  return parsed;
}

const equal = (a: Buffer, b: Buffer) => a.length === b.length && timingSafeEqual(a, b);

/** Verifies a password against an imported hash (already bounded by parseImportedHash at import). */
export async function verifyImportedHash(password: string, stored: string): Promise<boolean> {
  let parsed: Parsed;
  try {
    parsed = parseImportedHash(stored);
  } catch {
    return false;
  }
  const { format, params: p, salt, hash } = parsed;
  switch (format) {
    case 'scrypt': {
      const N = 2 ** p.ln!;
      const key = await new Promise<Buffer>((resolve, reject) =>
        scrypt(password, salt, hash.length, { N, r: p.r!, p: p.p!, maxmem: 256 * N * p.r! + 2 ** 20 }, (error, derived) => (error ? reject(error) : resolve(derived))),
      );
      return equal(key, hash);
    }
    case 'pbkdf2-sha256':
    case 'pbkdf2-sha512':
      return equal(await promisify(pbkdf2)(password, salt, p.i!, hash.length, format.slice(7)), hash);
    case 'argon2id': {
      const { argon2Verify } = await import('hash-wasm');
      return argon2Verify({ password, hash: stored });
    }
    case 'bcrypt': {
      const { bcryptVerify } = await import('hash-wasm');
      // $2y$ (PHP) and $2b$ are the same algorithm; hash-wasm reads the latter.
      return bcryptVerify({ password, hash: stored.replace(/^\$2y\$/, '$2b$') });
    }
  }
}
