/**
 * The synthesized stack served locally: the gateway in front of every AWS::ApiGatewayV2::Route of
 * the assembly, each route's function in its own process (functions.ts), and AWS where the SDK's
 * endpoint variables point: DynamoDB Local behind a recording proxy, and the KMS and SNS stand-ins
 * (aws-standins.ts).
 */
import type { Server } from 'node:http';
import { routeMatcher } from '../api-event';
import { startGateway, type GatewayBackend } from '../gateway';
import { readAssembly, type LocalAssembly } from './assembly';
import { CallRecorder, startDynamoDbRecorder, startKmsStandIn, startSnsStandIn, type StandIn } from './aws-standins';
import { FunctionPool, nodeVersionOf, type AwsEndpoints } from './functions';

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
  /** Every AWS call, one JSON line each. */
  callsFile?: string;
  /** Each line a function logs; default: printed, prefixed with the function. */
  functionLog?: (functionId: string, line: string) => void;
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
  stop(): Promise<void>;
}

export async function startSynthServer(options: SynthServerOptions): Promise<SynthServer> {
  const assembly = readAssembly(options.assemblyDir, options.tableName);
  const recorder = new CallRecorder(options.callsFile);
  const standIns: StandIn[] = [];
  try {
    const [dynamodb, kms, sns] = await Promise.all([
      startDynamoDbRecorder(options.dynamoDbEndpoint, recorder),
      startKmsStandIn({ keys: assembly.kmsKeys, secretFile: options.kmsSecretFile, recorder }),
      startSnsStandIn({ recorder, deliver: options.deliverSms }),
    ]);
    standIns.push(dynamodb, kms, sns);
    const endpoints = { dynamodb: dynamodb.endpoint, kms: kms.endpoint, sns: sns.endpoint };
    const pool = new FunctionPool(assembly.functions.values(), { endpoints, log: options.functionLog });
    const nodeVersion = nodeVersionOf(pool.nodeBinary);
    const runtimes = new Set([...assembly.functions.values()].map((fn) => fn.runtime));
    for (const runtime of runtimes) {
      if (runtime !== `nodejs${nodeVersion.split('.')[0]}.x`) {
        console.warn(`The template's functions run on ${runtime}; locally they run on Node ${nodeVersion} (${pool.nodeBinary}).`);
      }
    }
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
