/**
 * The pieces of `npm start -- --synth` on a small assembly synthesized here: functions and routes
 * found in any template (a nested stack, with cross-stack references), each function in its own
 * process, and the KMS and SNS stand-ins speaking the SDK's wire protocols and recording each call
 * as IAM would see it.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { App, NestedStack, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { readAssembly, type LocalAssembly } from '../../infra/local/synth/assembly';
import { CallRecorder, dynamoDbCalls, startKmsStandIn, startSnsStandIn } from '../../infra/local/synth/aws-standins';
import { startSynthServer } from '../../infra/local/synth/server';

const dir = mkdtempSync(join(tmpdir(), 'synth-mode-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Two top-level stacks; the function and its route live in a nested stack of the second. */
function synthesizeSmallApp(): string {
  const code = join(dir, 'code');
  mkdirSync(code, { recursive: true });
  // Module state shows whether two requests share a process, and the environment what it was given.
  writeFileSync(
    join(code, 'index.js'),
    `let invocations = 0;
     exports.handler = async (event) => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({
       invocations: ++invocations, pid: process.pid, name: event.pathParameters.name, table: process.env.TABLE_NAME,
       key: process.env.KMS_KEY_ID, signer: process.env.AWS_ACCESS_KEY_ID, dynamodb: process.env.AWS_ENDPOINT_URL_DYNAMODB }) });`,
  );
  const outdir = join(dir, 'cdk.out');
  const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
  const data = new Stack(app, 'Data');
  const table = new dynamodb.TableV2(data, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
  const key = new kms.Key(data, 'Key');
  const apiStack = new Stack(app, 'Api');
  const api = new apigw.HttpApi(apiStack, 'Http');
  const routes = new NestedStack(apiStack, 'Routes');
  for (const name of ['Hello', 'Other']) {
    const fn = new lambda.Function(routes, name, {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(code),
      environment: { TABLE_NAME: table.tableName, KMS_KEY_ID: key.keyArn },
    });
    table.grantReadData(fn);
    new apigw.HttpRoute(routes, `${name}Route`, {
      httpApi: api,
      routeKey: apigw.HttpRouteKey.with(`/${name.toLowerCase()}/{name}`, apigw.HttpMethod.GET),
      integration: new HttpLambdaIntegration(`${name}Integration`, fn),
    });
  }
  app.synth();
  return outdir;
}

let assembly: LocalAssembly;
let assemblyDir: string;
beforeAll(() => {
  assemblyDir = synthesizeSmallApp();
  assembly = readAssembly(assemblyDir, 'local-table');
});

describe('the assembly, read as CloudFormation would deploy it', () => {
  it('finds the functions and routes of a nested stack, with their environment resolved across stacks', () => {
    expect(assembly.routes.map((r) => r.key).sort()).toEqual(['GET /hello/{name}', 'GET /other/{name}']);
    const hello = assembly.functions.get(assembly.routes.find((r) => r.key === 'GET /hello/{name}')!.functionId)!;
    expect(hello.environment).toEqual({ TABLE_NAME: 'local-table', KMS_KEY_ID: assembly.kmsKeys[0]!.arn });
    expect(readFileSync(join(hello.codeDir, 'index.js'), 'utf8')).toContain('invocations');
  });

  it("resolves each function's role policies, naming the local table", () => {
    const fn = [...assembly.functions.values()][0]!;
    const statements = fn.policies.flatMap((p) => [p.document.Statement].flat());
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Allow', Action: expect.arrayContaining(['dynamodb:GetItem']), Resource: assembly.tableArn }));
  });
});

describe('serving the assembly', () => {
  it('runs each function in its own process: module state lives on between its requests, not across functions', async () => {
    const server = await startSynthServer({
      port: 0,
      assemblyDir,
      dynamoDbEndpoint: 'http://127.0.0.1:9',
      tableName: 'local-table',
      kmsSecretFile: join(dir, 'kms-secret'),
      deliverSms: async () => undefined,
      functionLog: () => undefined,
    });
    try {
      const get = async (path: string) => (await fetch(`${server.url}${path}`)).json();
      const first = await get('/hello/a');
      const second = await get('/hello/b');
      const other = await get('/other/c');
      expect(first).toMatchObject({ invocations: 1, name: 'a', table: 'local-table', key: assembly.kmsKeys[0]!.arn, dynamodb: server.endpoints.dynamodb });
      expect(second).toMatchObject({ invocations: 2, pid: first.pid });
      expect(other).toMatchObject({ invocations: 1 });
      expect(other.pid).not.toBe(first.pid);
      expect(first.signer).not.toBe(other.signer);
      expect(first.pid).not.toBe(process.pid);
    } finally {
      await server.stop();
    }
  });
});

describe('the AWS stand-ins', () => {
  const credentials = (accessKeyId: string) => ({ accessKeyId, secretAccessKey: 'local' });

  it('KMS: a data key unwraps only with the encryption context it was made with, and each call is recorded', async () => {
    const recorder = new CallRecorder();
    const standIn = await startKmsStandIn({ keys: assembly.kmsKeys, secretFile: join(dir, 'kms-secret'), recorder });
    const client = new KMSClient({ region: 'us-east-1', endpoint: standIn.endpoint, credentials: credentials('SomeFunction') });
    try {
      const KeyId = assembly.kmsKeys[0]!.arn;
      const generated = await client.send(new GenerateDataKeyCommand({ KeyId, KeySpec: 'AES_256', EncryptionContext: { purpose: 'p' } }));
      expect(generated.Plaintext).toHaveLength(32);
      const unwrapped = await client.send(new DecryptCommand({ KeyId, CiphertextBlob: generated.CiphertextBlob, EncryptionContext: { purpose: 'p' } }));
      expect(Buffer.from(unwrapped.Plaintext!)).toEqual(Buffer.from(generated.Plaintext!));
      await expect(client.send(new DecryptCommand({ KeyId, CiphertextBlob: generated.CiphertextBlob, EncryptionContext: { purpose: 'q' } }))).rejects.toMatchObject({
        name: 'InvalidCiphertextException',
      });
      await expect(client.send(new GenerateDataKeyCommand({ KeyId: 'alias/unknown', KeySpec: 'AES_256' }))).rejects.toMatchObject({ name: 'NotFoundException' });
      expect(recorder.calls.slice(0, 2)).toEqual([
        { principal: 'SomeFunction', action: 'kms:GenerateDataKey', resource: KeyId, encryptionContext: { purpose: 'p' }, status: 200 },
        { principal: 'SomeFunction', action: 'kms:Decrypt', resource: KeyId, encryptionContext: { purpose: 'p' }, status: 200 },
      ]);
    } finally {
      client.destroy();
      await standIn.close();
    }
  });

  it('SNS: Publish to a phone number is delivered and recorded; to a topic it is refused', async () => {
    const recorder = new CallRecorder();
    const delivered: Array<[string, string]> = [];
    const standIn = await startSnsStandIn({ recorder, deliver: async (to, message) => void delivered.push([to, message]) });
    const client = new SNSClient({ region: 'us-east-1', endpoint: standIn.endpoint, credentials: credentials('SmsFunction') });
    try {
      await client.send(new PublishCommand({ PhoneNumber: '+4526000000', Message: '123456 is your code' }));
      await expect(client.send(new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:t', Message: 'x' }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
      expect(delivered).toEqual([['+4526000000', '123456 is your code']]);
      expect(recorder.calls).toEqual([
        { principal: 'SmsFunction', action: 'sns:Publish', resource: '*', status: 200 },
        { principal: 'SmsFunction', action: 'sns:Publish', resource: 'arn:aws:sns:us-east-1:000000000000:t', status: 400 },
      ]);
    } finally {
      client.destroy();
      await standIn.close();
    }
  });

  it('DynamoDB: a transaction is recorded item by item as IAM authorises it, with each partition key', () => {
    const table = 'arn:aws:dynamodb:us-east-1:000000000000:table/t';
    expect(
      dynamoDbCalls('TransactWriteItems', {
        TransactItems: [
          { ConditionCheck: { TableName: 't', Key: { pk: { S: 'ORG#1' }, sk: { S: 'POLICY' } } } },
          { Put: { TableName: 't', Item: { pk: { S: 'USER#2' }, sk: { S: 'X' } } } },
          { Update: { TableName: 't', Key: { pk: { S: 'USER#2' }, sk: { S: 'Y' } } } },
          { Delete: { TableName: 't', Key: { pk: { S: 'USER#3' }, sk: { S: 'Z' } } } },
        ],
      }),
    ).toEqual([
      { action: 'dynamodb:ConditionCheckItem', resource: table, leadingKeys: ['ORG#1'] },
      { action: 'dynamodb:PutItem', resource: table, leadingKeys: ['USER#2'] },
      { action: 'dynamodb:UpdateItem', resource: table, leadingKeys: ['USER#2'] },
      { action: 'dynamodb:DeleteItem', resource: table, leadingKeys: ['USER#3'] },
    ]);
    expect(
      dynamoDbCalls('Query', {
        TableName: 't',
        IndexName: 'gsi1',
        KeyConditionExpression: '#p = :p AND begins_with(gsi1sk, :s)',
        ExpressionAttributeNames: { '#p': 'gsi1pk' },
        ExpressionAttributeValues: { ':p': { S: 'ORG#1#USERS' }, ':s': { S: 'U' } },
      }),
    ).toEqual([{ action: 'dynamodb:Query', resource: `${table}/index/gsi1`, leadingKeys: ['ORG#1#USERS'] }]);
  });
});
