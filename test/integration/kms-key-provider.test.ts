/**
 * In AWS the data key is wrapped by KMS and stored in the table. KMS is answered at the wire
 * (test/support/aws-double.ts) and its exact requests asserted; the table is the real DynamoDB Local.
 */
import { DeleteCommand, GetCommand } from '../../shared/store/commands';
import { kmsDouble } from '../support/aws-double';
import { KMS_ENCRYPTION_CONTEXT } from '../../shared/adapters/kms-context';
import { KmsKeyProvider } from '../../shared/adapters/key-provider';
import { db, tableName } from '../../shared/store/client';
import { keys } from '../../shared/store/keys';

const kms = kmsDouble();
const keyId = 'arn:aws:kms:eu-west-1:111122223333:key/0000aaaa-bbbb-cccc-dddd-eeeeffff0000';
const plaintext = Buffer.alloc(32, 7);
const wrapped = Buffer.from('wrapped-data-key-blob');

beforeEach(async () => {
  kms.reset();
  await db().send(new DeleteCommand({ TableName: tableName(), Key: keys.dataKey() }));
});

describe('KmsKeyProvider', () => {
  it('generates and stores a wrapped data key on first use, then unwraps the stored key on later cold starts', async () => {
    kms.on('GenerateDataKey', () => ({ Plaintext: plaintext, CiphertextBlob: wrapped, KeyId: keyId }));
    kms.on('Decrypt', () => ({ Plaintext: plaintext, KeyId: keyId }));

    expect(await new KmsKeyProvider(kms.client, keyId).dataKey()).toEqual(plaintext);
    expect(kms.requests).toEqual([{ operation: 'GenerateDataKey', input: { KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: { purpose: 'twofactor-data-key' } } }]);
    const stored = await db().send(new GetCommand({ TableName: tableName(), Key: keys.dataKey() }));
    expect(stored.Item).toEqual({ ...keys.dataKey(), wrapped: wrapped.toString('base64') });
    expect(JSON.stringify(stored.Item)).not.toContain(plaintext.toString('base64'));

    // A later cold start: one Decrypt, no new key.
    expect(await new KmsKeyProvider(kms.client, keyId).dataKey()).toEqual(plaintext);
    expect(kms.requests.slice(1)).toEqual([{ operation: 'Decrypt', input: { KeyId: keyId, CiphertextBlob: wrapped.toString('base64'), EncryptionContext: KMS_ENCRYPTION_CONTEXT } }]);
  });

  it('two cold starts racing on an empty table end up with one key', async () => {
    let n = 0;
    kms.on('GenerateDataKey', () => {
      n++;
      return { Plaintext: Buffer.alloc(32, n), CiphertextBlob: Buffer.from(`blob-${n}`) };
    });
    kms.on('Decrypt', (input) => ({ Plaintext: Buffer.alloc(32, Number(Buffer.from(input.CiphertextBlob as string, 'base64').toString().split('-')[1])) }));
    const [a, b] = await Promise.all([1, 2].map(() => new KmsKeyProvider(kms.client, keyId).dataKey()));
    expect(a).toEqual(b);
  });
});
