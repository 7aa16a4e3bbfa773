/**
 * What a login costs in AWS, per million, from figures the benchmark measures (DynamoDB calls and
 * consumed units per request, request durations, the scrypt hash time) and list prices (us-east-1,
 * on demand, checked 2026-11: DynamoDB's since its November 2024 cut).
 */
import { ACCESS_LOG_FIELDS } from '../../../infra/access-log';
export const PRICES = {
  /** API Gateway HTTP API, per million requests (the first 300 million a month). */
  httpApiPerMillion: 1.0,
  /** Lambda, per million requests. */
  lambdaRequestPerMillion: 0.2,
  /** Lambda on arm64, per GB-second (the first 7.5 billion GB-s a month). */
  lambdaArmPerGbSecond: 0.0000133334,
  /** DynamoDB on demand: per million write request units (1 KB each; 2 per KB in a transaction). */
  dynamoWritePerMillion: 0.625,
  /** Per million read request units (4 KB strongly consistent; half that eventually consistent). */
  dynamoReadPerMillion: 0.125,
  /** KMS, per million requests ($0.03 per 10,000): a Decrypt per cold start, none warm. */
  kmsPerMillion: 3.0,
  /** EventBridge, per million custom events put on a bus (64 KB each): every org audit event (infra/security-events.ts). */
  eventBridgeEventPerMillion: 1.0,
  /** EventBridge Pipes, per million requests after filtering (64 KB chunks; a request carries a batch). */
  pipesRequestPerMillion: 0.4,
  /** CloudWatch Logs, per GB ingested (standard class): the function's lines, Lambda's own, the access log. */
  logsIngestedPerGb: 0.5,
} as const;

/**
 * Lambda's own records of one invocation in the function's log group, as JSON (the stack's logging
 * format): platform.start and platform.report at the default system log level, shaped as AWS
 * documents them. Their length is what an invocation adds, whatever the function writes.
 */
const requestId = '8f5c4b9e-2d7a-4c1e-9b3f-6a0d2e7c5b41';
export const PLATFORM_LOG_BYTES = [
  { time: '2026-11-30T23:42:19.013Z', type: 'platform.start', record: { requestId, version: '$LATEST' } },
  {
    time: '2026-11-30T23:42:19.031Z',
    type: 'platform.report',
    record: { requestId, metrics: { durationMs: 17.62, billedDurationMs: 18, memorySizeMB: 256, maxMemoryUsedMB: 94 }, status: 'success' },
  },
].reduce((bytes, record) => bytes + JSON.stringify(record).length + 1, 0);

/** The stack's access-log line (infra/access-log.ts) for one request, its variables filled as a browser's request fills them. */
export function accessLogBytes(routeKey: string, status = 200): number {
  const [method, path] = routeKey.split(' ') as [string, string];
  const values: Record<string, string> = {
    '$context.requestId': 'cHWkbjYsoAMEbQw=',
    '$context.requestTime': '30/Nov/2026:23:42:19 +0000',
    '$context.identity.sourceIp': '203.0.113.45',
    '$context.identity.userAgent': 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36',
    '$context.httpMethod': method,
    '$context.routeKey': routeKey,
    '$context.path': path,
    '$context.status': String(status),
    '$context.protocol': 'HTTP/1.1',
    '$context.responseLength': '1032',
    '$context.responseLatency': '19',
    '$context.integration.latency': '18',
    '$context.integration.status': String(status),
    '$context.integration.error': '-',
    '$context.error.message': '-',
  };
  const line = Object.fromEntries(
    Object.entries(ACCESS_LOG_FIELDS).map(([field, variable]) => {
      if (!(variable in values)) throw new Error(`The access log's ${variable} has no value here to price it with`);
      return [field, values[variable]];
    }),
  );
  return JSON.stringify(line).length + 1;
}

/**
 * The security-event pipe's batch (infra/constructs/security-events.ts): at steady load a batch is
 * full, so one pipe request carries this many audit events (each ~1 KB, far below 64 KB). The
 * stream's own reads (one read request unit per GetRecords, $0.02 per 100,000) are the pipe's
 * polling, a few a second per shard whatever the traffic: a fixed cost, not a per-login one.
 */
export const PIPE_BATCH = 10;

/** Lambda gives a function a share of a vCPU proportional to its memory: one full vCPU at 1,769 MB. */
export const FULL_VCPU_MB = 1769;

export interface StepCost {
  memoryMb: number;
  /** Billed duration, ms (rounded up to the ms, as Lambda bills). */
  durationMs: number;
  readUnits: number;
  writeUnits: number;
  /** KMS calls per request (0 warm: the data key is unwrapped once per cold start). */
  kmsCalls: number;
  /** Org audit events written per request: each becomes one security event (stream, pipe, bus). */
  securityEvents?: number;
  /** Bytes one request puts into CloudWatch Logs: the function's lines, Lambda's records, the access log. */
  logBytes?: number;
}

export interface CostBreakdown {
  apiGateway: number;
  lambdaRequests: number;
  lambdaDuration: number;
  dynamoReads: number;
  dynamoWrites: number;
  kms: number;
  /** The audit events' way to the security-event bus: pipe requests and bus events. */
  securityEvents: number;
  /** CloudWatch Logs ingestion. */
  logs: number;
  total: number;
}

/** Dollars per million requests of one step. */
export function costPerMillion(step: StepCost): CostBreakdown {
  const gbSeconds = (step.memoryMb / 1024) * (Math.ceil(step.durationMs) / 1000);
  const parts = {
    apiGateway: PRICES.httpApiPerMillion,
    lambdaRequests: PRICES.lambdaRequestPerMillion,
    lambdaDuration: gbSeconds * PRICES.lambdaArmPerGbSecond * 1e6,
    dynamoReads: step.readUnits * PRICES.dynamoReadPerMillion,
    dynamoWrites: step.writeUnits * PRICES.dynamoWritePerMillion,
    kms: step.kmsCalls * PRICES.kmsPerMillion,
    securityEvents: (step.securityEvents ?? 0) * (PRICES.eventBridgeEventPerMillion + PRICES.pipesRequestPerMillion / PIPE_BATCH),
    // A million requests put logBytes × 10^6 bytes into the log groups (a GB taken as 10^9 bytes, the dearer reading).
    logs: ((step.logBytes ?? 0) * 1e6 * PRICES.logsIngestedPerGb) / 1e9,
  };
  return { ...parts, total: Object.values(parts).reduce((a, b) => a + b, 0) };
}

/**
 * The password step's duration at a memory size: the hash runs on one thread, at the function's
 * share of a vCPU (`hashMs` is its time on one full core), plus the time spent waiting on DynamoDB,
 * which no CPU share shortens.
 */
export function loginDurationMs(memoryMb: number, hashMs: number, waitMs: number): number {
  return hashMs * Math.max(1, FULL_VCPU_MB / memoryMb) + waitMs;
}

/** The password step's duration and Lambda cost (per million) at each memory size. */
export function loginMemoryTable(hashMs: number, waitMs: number, sizes = [512, 1024, 1536, FULL_VCPU_MB, 2048, 3008]) {
  return sizes.map((memoryMb) => {
    const durationMs = loginDurationMs(memoryMb, hashMs, waitMs);
    return { memoryMb, durationMs, lambdaDurationPerMillion: (memoryMb / 1024) * (Math.ceil(durationMs) / 1000) * PRICES.lambdaArmPerGbSecond * 1e6 };
  });
}
