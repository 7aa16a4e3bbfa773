/**
 * The deploy-time key material (functions/deploy/create-keys.ts, a CloudFormation custom resource):
 * it creates the wrapped data key and the first signing key, so that functions never have to
 * (their roles may not write those partitions, nor generate a data key). KMS is answered at the
 * wire (test/support/aws-double.ts) and its exact requests asserted; the table is DynamoDB Local; CloudFormation's pre-signed response URL
 * is a local HTTP server.
 */
import { createServer, type Server } from 'node:http';
import { DeleteCommand, GetCommand, QueryCommand } from '../../shared/store/commands';
import { kmsDouble } from '../support/aws-double';
import { handler } from '../../functions/deploy/create-keys';
import { ensureTable } from '../../infra/local/create-table';
import { config, resetConfig } from '../../shared/config';
import { FileKeyProvider, KmsKeyProvider, setKeyProvider } from '../../shared/adapters/key-provider';
import { KMS_ENCRYPTION_CONTEXT } from '../../shared/adapters/kms-context';
import { db, tableName } from '../../shared/store/client';
import { keys } from '../../shared/store/keys';
import { resetSigningKeyCache } from '../../shared/tokens/signing-keys';

const kms = kmsDouble();
const keyId = 'arn:aws:kms:eu-west-1:111122223333:key/0000aaaa-bbbb-cccc-dddd-eeeeffff0000';
const wrapped = Buffer.from('deploy-time-wrapped-key');

let server: Server;
let url: string;
const answers: Array<{ method: string; contentType: string | undefined; body: Record<string, unknown> }> = [];

beforeAll(async () => {
  // A table of its own: a deployment starts from an empty table, and other suites share theirs.
  process.env.TABLE_NAME = `twofactor-key-material-${process.pid}`;
  resetConfig();
  await ensureTable(process.env.DYNAMODB_ENDPOINT!, process.env.TABLE_NAME);
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      answers.push({ method: req.method!, contentType: req.headers['content-type'], body: JSON.parse(body) });
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/presigned?sig=x`;
});

afterAll(async () => {
  setKeyProvider(undefined);
  await new Promise((r) => server.close(r));
});

beforeEach(async () => {
  answers.length = 0;
  kms.reset();
  resetSigningKeyCache();
  const plaintext = await new FileKeyProvider(config().DATA_KEY_FILE).dataKey();
  kms.on('GenerateDataKey', () => ({ Plaintext: plaintext, CiphertextBlob: wrapped, KeyId: keyId }));
  kms.on('Decrypt', () => ({ Plaintext: plaintext, KeyId: keyId }));
  setKeyProvider(new KmsKeyProvider(kms.client, keyId));
  await db().send(new DeleteCommand({ TableName: tableName(), Key: keys.dataKey() }));
});

const event = (RequestType: 'Create' | 'Update' | 'Delete') => ({
  RequestType,
  ResponseURL: url,
  StackId: 'arn:aws:cloudformation:eu-west-1:111122223333:stack/TwoFactorStack/1',
  RequestId: 'req-1',
  LogicalResourceId: 'KeyMaterialResource',
  ...(RequestType !== 'Create' && { PhysicalResourceId: 'twofactor-key-material' }),
});

describe('deploy-time key material', () => {
  it('Create makes the wrapped data key and a signing key exist, and answers SUCCESS to CloudFormation', async () => {
    await handler(event('Create'));

    const stored = await db().send(new GetCommand({ TableName: tableName(), Key: keys.dataKey(), ConsistentRead: true }));
    expect(stored.Item).toEqual({ ...keys.dataKey(), wrapped: wrapped.toString('base64') });
    expect(kms.requests.filter((r) => r.operation === 'GenerateDataKey')).toEqual([
      { operation: 'GenerateDataKey', input: { KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: KMS_ENCRYPTION_CONTEXT } },
    ]);
    const signing = await db().send(
      new QueryCommand({ TableName: tableName(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.signingKeysPartition } }),
    );
    expect(signing.Items!.map((k) => [k.sk, typeof k.sealedPrivateJwk])).toEqual([[keys.signingKey(1).sk, 'string']]);
    expect(answers).toEqual([
      {
        method: 'PUT',
        contentType: '',
        body: {
          Status: 'SUCCESS',
          Reason: 'key material present',
          PhysicalResourceId: 'twofactor-key-material',
          StackId: event('Create').StackId,
          RequestId: 'req-1',
          LogicalResourceId: 'KeyMaterialResource',
        },
      },
    ]);
  });

  it('Update keeps an existing data key (no new one generated); Delete leaves the key material alone', async () => {
    await handler(event('Create'));
    await handler(event('Update'));
    expect(kms.requests.filter((r) => r.operation === 'GenerateDataKey')).toHaveLength(1);
    await handler(event('Delete'));
    const stored = await db().send(new GetCommand({ TableName: tableName(), Key: keys.dataKey(), ConsistentRead: true }));
    expect(stored.Item?.wrapped).toBe(wrapped.toString('base64'));
    expect(answers.map((a) => a.body.Status)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
  });

  it('a KMS failure answers FAILED with the reason, so the deployment stops there', async () => {
    kms.on('GenerateDataKey', () => ({ error: 'AccessDeniedException', message: 'User is not authorized to perform kms:GenerateDataKey' }));
    await handler(event('Create'));
    expect(answers.map((a) => [a.body.Status, a.body.Reason])).toEqual([
      ['FAILED', 'AccessDeniedException: User is not authorized to perform kms:GenerateDataKey'],
    ]);
  });
});
