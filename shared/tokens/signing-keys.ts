/**
 * ES256 signing keys, generated on first use and kept in the table with the private half sealed
 * (AES-256-GCM, bound to its kid). Rotation adds a key with the next sequence number; the old ones
 * stay published until every token they signed has expired.
 */
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { randomUUID } from 'node:crypto';
import { auditItem, type Actor } from '../audit/events';
import { config } from '../config';
import { now } from '../clock';
import { open, seal } from '../crypto/secrets';
import { db, tableName } from '../store/client';
import { conditionally, epochSeconds, live, LostRace } from '../store/conditions';
import { transactWrite } from '../store/transact';
import { keys } from '../store/keys';

interface StoredKey {
  pk: string;
  sk: string;
  kid: string;
  seq: number;
  publicJwk: JWK;
  sealedPrivateJwk: string;
  createdAt: string;
  /** Set when a newer key replaces this one: when it leaves the JWKS. */
  expiresAt?: number;
}

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
}

const CACHE_SECONDS = 300;
const alg = 'ES256';

let cache: { loadedAt: number; keys: StoredKey[] } | undefined;
let signer: Promise<SigningKey> | undefined;

async function loadKeys(): Promise<StoredKey[]> {
  const result = await db().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.signingKeysPartition },
      ScanIndexForward: false,
      ConsistentRead: true,
    }),
  );
  const at = now();
  return (result.Items as StoredKey[]).filter((k) => live(k, at));
}

/** The published keys, newest first (cached per warm process). */
export async function publishedKeys(options: { refresh?: boolean } = {}): Promise<StoredKey[]> {
  const t = epochSeconds(now());
  if (options.refresh || !cache || t - cache.loadedAt > CACHE_SECONDS) {
    cache = { loadedAt: t, keys: await loadKeys() };
  }
  return cache.keys;
}

async function newKeyItem(seq: number): Promise<StoredKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const kid = randomUUID();
  const item: StoredKey = {
    ...keys.signingKey(seq),
    kid,
    seq,
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' },
    sealedPrivateJwk: await seal(JSON.stringify(await exportJWK(privateKey)), `signing-key#${kid}`),
    createdAt: now().toISOString(),
  };
  return item;
}

async function createKey(seq: number): Promise<StoredKey | undefined> {
  const item = await newKeyItem(seq);
  try {
    await conditionally(() => db().send(new PutCommand({ TableName: tableName(), Item: item, ConditionExpression: 'attribute_not_exists(pk)' })));
    return item;
  } catch (error) {
    if (error instanceof LostRace) return undefined; // another process created this sequence number first
    throw error;
  }
}

/** The key new tokens are signed with: the newest one, created if there is none. */
export function activeSigningKey(): Promise<SigningKey> {
  signer ??= (async () => {
    let newest = (await publishedKeys({ refresh: true }))[0];
    if (!newest) {
      await createKey(1);
      newest = (await publishedKeys({ refresh: true }))[0]!;
    }
    const jwk = JSON.parse(await open(newest.sealedPrivateJwk, `signing-key#${newest.kid}`)) as JWK;
    return { kid: newest.kid, privateKey: (await importJWK(jwk, alg)) as CryptoKey };
  })().catch((error) => {
    signer = undefined;
    throw error;
  });
  return signer;
}

/**
 * Adds a new signing key and schedules the older ones to leave the JWKS once the tokens they
 * signed have expired. Processes pick the new key up when their key cache expires.
 */
export async function rotateSigningKey(actor: Actor): Promise<string> {
  const current = await publishedKeys({ refresh: true });
  const created = await newKeyItem((current[0]?.seq ?? 0) + 1);
  const c = config();
  const retireAt = epochSeconds(now()) + Math.max(c.SIGNING_KEY_RETENTION, c.ACCESS_TOKEN_TTL);
  const retired = current.filter((k) => k.expiresAt === undefined);
  try {
    // The new key, the old ones' retirement and the audit event: all or nothing.
    await transactWrite([
      { Put: { TableName: tableName(), Item: created, ConditionExpression: 'attribute_not_exists(pk)' } },
      ...retired.map((old) => ({
        Update: {
          TableName: tableName(),
          Key: { pk: old.pk, sk: old.sk },
          UpdateExpression: 'SET expiresAt = :retire',
          ExpressionAttributeValues: { ':retire': retireAt },
        },
      })),
      {
        Put: {
          TableName: tableName(),
          Item: auditItem({ orgId: 'platform', action: 'signing_key.rotated', actor, details: { kid: created.kid, retired: retired.map((k) => k.kid) } }),
        },
      },
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
