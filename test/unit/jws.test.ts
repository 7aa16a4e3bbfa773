/**
 * The service's ES256 JWTs (shared/tokens/jws.ts) against jose as the reference: each reads the
 * other's tokens, and every token ours refuses, jose refuses too (so each case is a real fault,
 * not a quirk of ours).
 */
import { createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import { InvalidJwt, signJwt, verifyJwt, type JwtRules } from '../../shared/tokens/jws';

const NOW = 1_800_000_000;
const ISSUER = 'https://issuer.test';
const AUDIENCE = 'twofactor';
const rules: JwtRules = {
  issuer: ISSUER,
  now: NOW,
  kinds: { 'at+jwt': { audience: AUDIENCE, required: ['sub'] }, 'pending+jwt': { audience: ISSUER, required: ['sub', 'scope'] } },
};
const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const header = { typ: 'at+jwt', kid: 'k1' };
const payload = { sub: '42', iss: ISSUER, aud: AUDIENCE, iat: NOW - 10, exp: NOW + 60, jti: 'j' };
const keyFor = (kid: string): KeyObject => {
  if (kid !== 'k1') throw new Error(`unknown kid ${kid}`);
  return keys.publicKey;
};

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
/** A token with any header and payload, signed ES256 (P1363) by `key`: what an attacker with a key could make. */
function forge(h: object, p: unknown, key = keys.privateKey): string {
  const input = `${b64(h)}.${b64(p)}`;
  return `${input}.${sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}
const good = forge({ alg: 'ES256', ...header }, payload);
const [goodHeader, goodPayload, goodSignature] = good.split('.') as [string, string, string];

const joseAccepts = (token: string) =>
  jwtVerify(token, keys.publicKey, {
    algorithms: ['ES256'],
    issuer: ISSUER,
    audience: AUDIENCE,
    typ: 'at+jwt',
    currentDate: new Date(NOW * 1000),
    requiredClaims: ['iss', 'aud', 'exp', 'iat', 'sub'],
  }).then(
    () => true,
    () => false,
  );

describe('ES256 JWTs on node:crypto', () => {
  it('signs tokens jose verifies, and verifies tokens jose signs', async () => {
    const ours = signJwt(header, payload, keys.privateKey);
    const { payload: read, protectedHeader } = await jwtVerify(ours, keys.publicKey, { algorithms: ['ES256'], currentDate: new Date(NOW * 1000) });
    expect(read).toEqual(payload);
    expect(protectedHeader).toEqual({ alg: 'ES256', ...header });

    const theirs = await new SignJWT({ sub: '42', jti: 'j' })
      .setProtectedHeader({ alg: 'ES256', ...header })
      .setIssuer(ISSUER)
      .setAudience([AUDIENCE, 'another'])
      .setIssuedAt(NOW - 10)
      .setExpirationTime(NOW + 60)
      .sign(keys.privateKey);
    await expect(verifyJwt(theirs, keyFor, rules)).resolves.toMatchObject({ typ: 'at+jwt', payload: { sub: '42', aud: [AUDIENCE, 'another'] } });
    await expect(verifyJwt(good, keyFor, rules)).resolves.toEqual({ typ: 'at+jwt', payload });
  });

  const refused: Array<[string, string, expired?: boolean]> = [
    ['alg none, no signature', `${b64({ alg: 'none', ...header })}.${goodPayload}.`],
    ['alg none with a signature', `${b64({ alg: 'none', ...header })}.${goodPayload}.${goodSignature}`],
    ['alg ES384 over an ES256 signature', forge({ alg: 'ES384', ...header }, payload)],
    [
      'HS256 keyed with the public key (algorithm confusion)',
      (() => {
        const input = `${b64({ alg: 'HS256', ...header })}.${goodPayload}`;
        const mac = createHmac('sha256', keys.publicKey.export({ type: 'spki', format: 'pem' })).update(input).digest();
        return `${input}.${Buffer.concat([mac, mac]).toString('base64url')}`;
      })(),
    ],
    ['a crit extension', forge({ alg: 'ES256', ...header, crit: ['exp'], exp: NOW + 60 }, payload)],
    ['typ JWT', forge({ alg: 'ES256', typ: 'JWT', kid: 'k1' }, payload)],
    ['no typ', forge({ alg: 'ES256', kid: 'k1' }, payload)],
    ['signed by another key', forge({ alg: 'ES256', ...header }, payload, other.privateKey)],
    ['a payload changed after signing', `${goodHeader}.${b64({ ...payload, sub: '1' })}.${goodSignature}`],
    ['a header changed after signing', `${b64({ alg: 'ES256', ...header, extra: 1 })}.${goodPayload}.${goodSignature}`],
    [
      'a DER signature',
      `${goodHeader}.${goodPayload}.${sign('sha256', Buffer.from(`${goodHeader}.${goodPayload}`), keys.privateKey).toString('base64url')}`,
    ],
    ['a signature of zeros', `${goodHeader}.${goodPayload}.${Buffer.alloc(64).toString('base64url')}`],
    ['a signature a byte short', `${goodHeader}.${goodPayload}.${Buffer.from(goodSignature, 'base64url').subarray(1).toString('base64url')}`],
    ['standard base64', `${Buffer.from(JSON.stringify({ alg: 'ES256', ...header, p: '>>>?' })).toString('base64')}.${goodPayload}.${goodSignature}`],
    ['two parts', `${goodHeader}.${goodPayload}`],
    ['four parts', `${good}.${goodSignature}`],
    ['a header that is not JSON', `${b64('{"alg":"ES256"')}.${goodPayload}.${goodSignature}`],
    ['a header that is an array', `${b64(['ES256'])}.${goodPayload}.${goodSignature}`],
    ['a payload that is not JSON', forge({ alg: 'ES256', ...header }, 'not json')],
    ['a payload that is an array', forge({ alg: 'ES256', ...header }, [payload])],
    ['another issuer', forge({ alg: 'ES256', ...header }, { ...payload, iss: 'https://evil.test' })],
    ['the audience of another kind', forge({ alg: 'ES256', ...header }, { ...payload, aud: ISSUER })],
    ['a typ that is a property of every object', forge({ alg: 'ES256', typ: 'constructor', kid: 'k1' }, payload)],
    ['another audience', forge({ alg: 'ES256', ...header }, { ...payload, aud: 'another' })],
    ['an audience list without ours', forge({ alg: 'ES256', ...header }, { ...payload, aud: ['a', 'b'] })],
    ['expired', forge({ alg: 'ES256', ...header }, { ...payload, exp: NOW }), true],
    ['exp as a string', forge({ alg: 'ES256', ...header }, { ...payload, exp: String(NOW + 60) })],
    ['no exp', forge({ alg: 'ES256', ...header }, { ...payload, exp: undefined })],
    ['no iat', forge({ alg: 'ES256', ...header }, { ...payload, iat: undefined })],
    ['not yet valid', forge({ alg: 'ES256', ...header }, { ...payload, nbf: NOW + 1 })],
    ['nbf as a string', forge({ alg: 'ES256', ...header }, { ...payload, nbf: String(NOW - 1) })],
    ['a required claim missing', forge({ alg: 'ES256', ...header }, { ...payload, sub: undefined })],
  ];

  it.each(refused)('refuses %s, as jose does', async (_, token, expired = false) => {
    const error = await verifyJwt(token, keyFor, rules).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidJwt);
    expect((error as InvalidJwt).expired).toBe(expired);
    expect(await joseAccepts(token)).toBe(false);
  });

  it('refuses padding, which RFC 7515 leaves out of base64url, where jose lets it pass', async () => {
    for (const padded of [`${goodHeader}.${goodPayload}.${goodSignature}==`, `${goodHeader}=.${goodPayload}.${goodSignature}`]) {
      // Refused as the wrong shape, before any key is looked up.
      await expect(verifyJwt(padded, () => Promise.reject(new Error('looked up')), rules)).rejects.toThrow(new InvalidJwt('not a compact JWS'));
    }
    expect(await joseAccepts(`${goodHeader}.${goodPayload}.${goodSignature}==`)).toBe(true);
  });

  it('accepts what the rules allow: nbf passed, an audience list with ours', async () => {
    const token = forge({ alg: 'ES256', ...header }, { ...payload, nbf: NOW, aud: ['another', AUDIENCE] });
    await expect(verifyJwt(token, keyFor, rules)).resolves.toMatchObject({ payload: { sub: '42' } });
    expect(await joseAccepts(token)).toBe(true);
  });

  it('tells the kinds apart by typ, each held to its own audience and claims', async () => {
    const pending = { ...payload, aud: ISSUER, scope: '2fa' };
    await expect(verifyJwt(forge({ alg: 'ES256', typ: 'pending+jwt', kid: 'k1' }, pending), keyFor, rules)).resolves.toEqual({ typ: 'pending+jwt', payload: pending });
    // A pending token is what a relying party must not take for an access token: jose, checking typ
    // and audience as RFC 9068 asks, refuses it.
    expect(await joseAccepts(forge({ alg: 'ES256', typ: 'pending+jwt', kid: 'k1' }, pending))).toBe(false);
    for (const wrong of [{ ...pending, aud: AUDIENCE }, { ...pending, scope: undefined }]) {
      await expect(verifyJwt(forge({ alg: 'ES256', typ: 'pending+jwt', kid: 'k1' }, wrong), keyFor, rules)).rejects.toBeInstanceOf(InvalidJwt);
    }
  });

  it("passes on the key lookup's own error for an unknown kid, before any signature work", async () => {
    await expect(verifyJwt(forge({ alg: 'ES256', typ: 'at+jwt', kid: 'k2' }, payload), keyFor, rules)).rejects.toThrow('unknown kid k2');
    await expect(verifyJwt(forge({ alg: 'ES256', typ: 'at+jwt', kid: 7 }, payload), keyFor, rules)).rejects.toBeInstanceOf(InvalidJwt);
  });
});
