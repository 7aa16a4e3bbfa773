/**
 * The port the data key comes through: the key that encrypts reversible secrets and keys the hashes
 * of codes and tokens. In AWS it is wrapped by a KMS key and unwrapped once per cold start; locally it
 * lives in a key file the server creates on first run. Either way the key material never reaches the
 * table or logs.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { config } from '../config';
import * as dataKeyStore from '../crypto/data-key-store';
import { LostRace } from '../store/conditions';
import { kmsClient, type KmsClient } from './kms-client';
import { KMS_ENCRYPTION_CONTEXT } from './kms-context';

export interface KeyProvider {
  dataKey(): Promise<Buffer>;
}

export class FileKeyProvider implements KeyProvider {
  constructor(private readonly path: string) {}

  async dataKey(): Promise<Buffer> {
    try {
      return decodeKey(await readFile(this.path, 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    await mkdir(dirname(this.path), { recursive: true });
    try {
      // `wx`: of two processes starting at once, one creates the key and the other reads it.
      await writeFile(this.path, randomBytes(32).toString('base64') + '\n', { flag: 'wx', mode: 0o600 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    return decodeKey(await readFile(this.path, 'utf8'));
  }
}

function decodeKey(text: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) throw new Error('The data key file does not hold a 256-bit key');
  return key;
}

/** The wrapped data key is kept in the table; KMS unwraps it. The first cold start creates it. */
export class KmsKeyProvider implements KeyProvider {
  constructor(
    private readonly kms: Pick<KmsClient, 'generateDataKey' | 'decrypt'>,
    private readonly keyId: string,
  ) {}

  async dataKey(): Promise<Buffer> {
    let wrapped = await dataKeyStore.read();
    if (!wrapped) {
      const generated = await this.kms.generateDataKey({ KeyId: this.keyId, KeySpec: 'AES_256', EncryptionContext: KMS_ENCRYPTION_CONTEXT });
      try {
        await dataKeyStore.create(generated.CiphertextBlob.toString('base64'));
        return generated.Plaintext;
      } catch (error) {
        if (!(error instanceof LostRace)) throw error;
        // Another cold start won the race: use its key.
        wrapped = (await dataKeyStore.read())!;
      }
    }
    return this.kms.decrypt({ KeyId: this.keyId, CiphertextBlob: Buffer.from(wrapped, 'base64'), EncryptionContext: KMS_ENCRYPTION_CONTEXT });
  }
}

let provider: KeyProvider | undefined;

export async function defaultKeyProvider(): Promise<KeyProvider> {
  if (!provider) {
    const c = config();
    if (c.DATA_KEY_SOURCE === 'kms') {
      provider = new KmsKeyProvider(kmsClient(), c.KMS_KEY_ID!);
    } else {
      provider = new FileKeyProvider(c.DATA_KEY_FILE);
    }
  }
  return provider;
}

export function setKeyProvider(next: KeyProvider | undefined): void {
  provider = next;
}
