/**
 * ES256 signing keys, generated on first use and kept in the table with the private half sealed
 * (AES-256-GCM, bound to its kid). Rotation adds a key with the next sequence number; the old ones
 * stay published until every token they signed has expired.
 */
import { createPrivateKey, generateKeyPair, randomUUID, type JsonWebKey, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { auditPut, type Actor } from '../audit/events';
import { config } from '../config';
import { now } from '../clock';
import { open, seal } from '../crypto/secrets';
import { epochSeconds, live, LostRace } from '../store/conditions';
import { transactWrite } from '../store/transact';
import { signingKeyStore } from './signing-key-store';

export interface StoredKey {
  kid: string;
  seq: number;
  publicJwk: JsonWebKey & { kid: string; alg: string; use: 'sig' };
  sealedPrivateJwk: string;
  createdAt: string;
  /** Set when a newer key replaces this one: when it leaves the JWKS. */
  expiresAt?: number;
}

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
}

const CACHE_SECONDS = 300;
const alg = 'ES256';
const newKeyPair = promisify(generateKeyPair);

let cache: { loadedAt: number; keys: StoredKey[] } | undefined;
/** The signing key, with the kid it was loaded for (undefined: the first key is being created). */
let signer: { kid: string | undefined; key: Promise<SigningKey> } | undefined;

async function loadKeys(): Promise<StoredKey[]> {
  const stored = await signingKeyStore.newestFirst();
  const at = now();
  return stored.filter((k) => live(k, at));
}

/** The published keys, newest first (cached per warm process). */
export async function publishedKeys(options: { refresh?: boolean } = {}): Promise<StoredKey[]> {
  const t = epochSeconds(now());
  if (options.refresh || !cache || t - cache.loadedAt > CACHE_SECONDS) {
    cache = { loadedAt: t, keys: await loadKeys() };
  }
  return cache.keys;
}

async function newKey(seq: number): Promise<StoredKey> {
  const { publicKey, privateKey } = await newKeyPair('ec', { namedCurve: 'P-256' });
  const kid = randomUUID();
  return {
    kid,
    seq,
    publicJwk: { ...publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' },
    sealedPrivateJwk: await seal(JSON.stringify(privateKey.export({ format: 'jwk' })), `signing-key#${kid}`),
    createdAt: now().toISOString(),
  };
}

/**
 * The key new tokens are signed with: the newest published one, created if there is none. A warm
 * process follows a rotation made elsewhere (the operator's CLI) when its copy of the published keys
 * refreshes: signing on with a retired key would, once that key expires, mint tokens nobody accepts.
 */
export async function activeSigningKey(): Promise<SigningKey> {
  const newest = (await publishedKeys())[0];
  if (signer?.kid !== undefined && newest && signer.kid !== newest.kid) signer = undefined;
  signer ??= loadSigner(newest);
  return signer.key;
}

function loadSigner(known: StoredKey | undefined): NonNullable<typeof signer> {
  const entry: NonNullable<typeof signer> = { kid: known?.kid, key: Promise.resolve(undefined as never) };
  entry.key = (async () => {
    let newest = known;
    if (!newest) {
      await signingKeyStore.create(await newKey(1)); // a process that loses this race uses the winner's key
      newest = (await publishedKeys({ refresh: true }))[0]!;
      entry.kid = newest.kid;
    }
    const jwk = JSON.parse(await open(newest.sealedPrivateJwk, `signing-key#${newest.kid}`)) as JsonWebKey;
    return { kid: newest.kid, privateKey: createPrivateKey({ key: jwk, format: 'jwk' }) };
  })().catch((error) => {
    if (signer === entry) signer = undefined;
    throw error;
  });
  return entry;
}

/**
 * Adds a new signing key and schedules the older ones to leave the JWKS once the tokens they
 * signed have expired. Processes pick the new key up when their key cache expires.
 */
export async function rotateSigningKey(actor: Actor): Promise<string> {
  const current = await publishedKeys({ refresh: true });
  const created = await newKey((current[0]?.seq ?? 0) + 1);
  const c = config();
  const retireAt = epochSeconds(now()) + Math.max(c.SIGNING_KEY_RETENTION, c.ACCESS_TOKEN_TTL);
  const retired = current.filter((k) => k.expiresAt === undefined);
  try {
    // The new key, the old ones' retirement and the audit event: all or nothing.
    await transactWrite([
      signingKeyStore.add(created),
      ...retired.map((old) => signingKeyStore.retire(old, retireAt)),
      auditPut({ orgId: 'platform', action: 'signing_key.rotated', actor, details: { kid: created.kid, retired: retired.map((k) => k.kid) } }),
    ]);
  } catch (error) {
    if (error instanceof LostRace && error.lost(0)) throw new Error('A concurrent rotation created the same key sequence; retry');
    throw error;
  }
  resetSigningKeyCache();
  return created.kid;
}

export function resetSigningKeyCache(): void {
  cache = undefined;
  signer = undefined;
}
