/**
 * The synthesized stack served locally: the gateway in front of every AWS::ApiGatewayV2::Route of
 * the assembly, each route's function in its own process (functions.ts), and AWS where the SDK's
 * endpoint variables point: DynamoDB Local behind a recording proxy, and the KMS and SNS stand-ins
 * (aws-standins.ts).
 */
import { createServer, type Server } from 'node:http';
import { routeMatcher } from '../api-event';
import { startGateway, type GatewayBackend } from '../gateway';
import { readAssembly, type LocalAssembly } from './assembly';
import { CallRecorder, startDynamoDbRecorder, startKmsStandIn, startSesStandIn, startSnsStandIn, type SesMessage, type StandIn } from './aws-standins';
import { emailSender } from '../../../shared/adapters/email-sender';
import { FunctionPool, nodeVersionOf, type AwsEndpoints } from './functions';
import { matchesPattern, type SecurityEvent } from '../../security-events';

export interface SynthServerOptions {
  port: number;
  host?: string;
  assemblyDir: string;
  /** DynamoDB Local, where the table is. */
  dynamoDbEndpoint: string;
  tableName: string;
  /** The KMS stand-in's root secret (created on first use). */
  kmsSecretFile: string;
  /** Where SMS published through the SNS stand-in go. */
  deliverSms(to: string, message: string): Promise<void>;
  /** Where email sent through the SES stand-in goes; default: this process's email port (the outbox). */
  deliverEmail?(message: SesMessage): Promise<void>;
  /** Every AWS call, one JSON line each. */
  callsFile?: string;
  /** Each line a function logs; default: printed, prefixed with the function. */
  functionLog?: (functionId: string, line: string) => void;
  /** Tests only: variables every function gets over the template's (FunctionPoolOptions). */
  testEnvironment?: Readonly<Record<string, string>>;
}

export interface SynthServer {
  url: string;
  server: Server;
  assembly: LocalAssembly;
  endpoints: AwsEndpoints;
  recorder: CallRecorder;
  pool: FunctionPool;
  /** The Node version the functions run on. */
  nodeVersion: string;
  /** The data key's KMS key, as the functions' environment names it (KMS_KEY_ID). */
  kmsKeyId?: string;
  /** What EventBridge does with an event on the bus: invokes each function whose rule matches it. */
  deliverEvent(event: SecurityEvent): Promise<void>;
  stop(): Promise<void>;
}

export async function startSynthServer(options: SynthServerOptions): Promise<SynthServer> {
  const assembly = readAssembly(options.assemblyDir, options.tableName);
  const recorder = new CallRecorder(options.callsFile);
  const standIns: StandIn[] = [];
  try {
    const deliverEmail = options.deliverEmail ?? (async (message: SesMessage) => (await emailSender()).send(message));
    const [dynamodb, kms, sns, sesv2] = await Promise.all([
      startDynamoDbRecorder(options.dynamoDbEndpoint, recorder),
      startKmsStandIn({ keys: assembly.kmsKeys, secretFile: options.kmsSecretFile, recorder }),
      startSnsStandIn({ recorder, deliver: options.deliverSms }),
      startSesStandIn({ recorder, deliver: deliverEmail }),
    ]);
    standIns.push(dynamodb, kms, sns, sesv2);
    const endpoints = { dynamodb: dynamodb.endpoint, kms: kms.endpoint, sns: sns.endpoint, sesv2: sesv2.endpoint };
    const pool = new FunctionPool(assembly.functions.values(), { endpoints, log: options.functionLog, testEnvironment: options.testEnvironment });
    const nodeVersion = nodeVersionOf(pool.nodeBinary);
    const runtimes = new Set([...assembly.functions.values()].map((fn) => fn.runtime));
    for (const runtime of runtimes) {
      if (runtime !== `nodejs${nodeVersion.split('.')[0]}.x`) {
        console.warn(`The template's functions run on ${runtime}; locally they run on Node ${nodeVersion} (${pool.nodeBinary}).`);
      }
    }
    await createCustomResources(assembly, pool);
    const backend: GatewayBackend = {
      match: routeMatcher(assembly.routes.map((route) => ({ key: route.key, handler: route.functionId }))),
      invoke: async (route, event) => {
        try {
          return await pool.invoke(route.handler, event);
        } catch (error) {
          // What API Gateway answers when the integration fails: a 500 with no detail.
          console.error(`${route.key}: ${(error as Error).message}`);
          return { statusCode: 500, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: 'Internal Server Error' }) };
        }
      },
    };
    const { server, url } = await startGateway(options.port, options.host, backend);
    const kmsKeyId = [...assembly.functions.values()].map((fn) => fn.environment.KMS_KEY_ID).find(Boolean);
    return {
      url,
      server,
      assembly,
      endpoints,
      recorder,
      pool,
      nodeVersion,
      kmsKeyId,
      deliverEvent: async (event) => {
        for (const target of assembly.eventTargets.filter((t) => matchesPattern(t.pattern, event))) {
          await pool.invoke(target.functionId, event as unknown as Parameters<FunctionPool['invoke']>[1]);
        }
      },
      stop: async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await pool.stop();
        await Promise.all(standIns.map((s) => s.close()));
      },
    };
  } catch (error) {
    await Promise.all(standIns.map((s) => s.close()));
    throw error;
  }
}

/**
 * What `cdk deploy` does before any route is called: CloudFormation creates each custom resource by
 * invoking its function with a Create event and waiting for the answer PUT to the response URL (the
 * key material: the data key and the first signing key, which route functions may not write).
 */
async function createCustomResources(assembly: LocalAssembly, pool: FunctionPool): Promise<void> {
  if (assembly.customResources.length === 0) return;
  const answers = new Map<string, { Status: string; Reason?: string }>();
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const answer = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { LogicalResourceId: string; Status: string; Reason?: string };
      answers.set(answer.LogicalResourceId, answer);
      res.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = receiver.address() as { port: number };
    for (const resource of assembly.customResources) {
      const { ServiceToken: _, ...properties } = resource.properties;
      const event = {
        RequestType: 'Create',
        ResponseURL: `http://127.0.0.1:${port}/${resource.logicalId}`,
        StackId: 'arn:aws:cloudformation:local:000000000000:stack/local/0',
        RequestId: `local-${resource.logicalId}`,
        ResourceType: resource.type,
        LogicalResourceId: resource.logicalId,
        ResourceProperties: properties,
      };
      await pool.invoke(resource.functionId, event as unknown as Parameters<FunctionPool['invoke']>[1]);
      const answer = answers.get(resource.logicalId);
      if (answer?.Status !== 'SUCCESS') throw new Error(`${resource.logicalId} (${resource.type}): ${answer ? `${answer.Status} ${answer.Reason ?? ''}` : 'no answer'}`);
    }
  } finally {
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  }
}
