/**
 * Every AWS call as an X-Ray subsegment of the function's trace, without the X-Ray SDK: one
 * interceptor (added by ./aws-client.ts to every client) times the call, retries included, and sends
 * the subsegment document to the X-Ray daemon Lambda runs beside the function, over the daemon's
 * documented UDP protocol (a `{"format":"json","version":1}` line, then the document). The parent is
 * the function's segment, named by the trace header Lambda sets for each invocation.
 *
 * Loaded (by a dynamic import) only where ./aws-client.ts finds tracing on: in Lambda with active
 * tracing (TRACE_AWS_CALLS, set by the stack) and a daemon address. Why this and not Powertools
 * Tracer or OpenTelemetry: the README (Operations, Tracing), with the bench's import figures.
 *
 * What a subsegment holds is safe to keep for 30 days in X-Ray: the service, the operation, table
 * and KMS key names, the HTTP status, the request id, retries, and on failure the error's type
 * (never its message, which may echo request values). Never a key value, a phone number, an email
 * or a message body.
 */
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { isThrottling } from './aws-failures';
import type { CallInterceptor } from './aws-client';

/** The names X-Ray's service map gives these services (what the X-Ray SDK records too). */
const SERVICE_NAMES: Readonly<Record<string, string>> = { dynamodb: 'DynamoDB', kms: 'KMS', sns: 'SNS', ses: 'SES' };

const DAEMON_HEADER = '{"format":"json","version":1}\n';

export interface TraceContext {
  traceId: string;
  parentId: string;
}

/**
 * The invocation's trace header. Lambda's runtime keeps it in its per-invocation store (the one
 * source with several invocations in one process), and in _X_AMZN_TRACE_ID (Powertools reads both,
 * in this order).
 */
function currentHeader(): string | undefined {
  const store = (globalThis as { awslambda?: { InvokeStore?: { getXRayTraceId?(): string | undefined } } }).awslambda?.InvokeStore;
  return store?.getXRayTraceId?.() ?? process.env._X_AMZN_TRACE_ID;
}

/**
 * The invocation's trace from Lambda's header (`Root=1-…;Parent=…;Sampled=1`): undefined when the
 * request is not sampled (nothing is sent then, as the X-Ray SDK does) or the header is missing.
 */
export function traceContext(header = currentHeader()): TraceContext | undefined {
  if (!header) return undefined;
  const fields = new Map(header.split(';').map((part) => part.split('=', 2) as [string, string]));
  const traceId = fields.get('Root');
  const parentId = fields.get('Parent');
  if (fields.get('Sampled') !== '1' || !traceId || !parentId) return undefined;
  return { traceId, parentId };
}

/** `host:port`, or the long form `tcp:host:port udp:host:port` (the UDP one is used). */
export function daemonAddress(value = process.env.AWS_XRAY_DAEMON_ADDRESS): { host: string; port: number } | undefined {
  const udp = value?.split(/\s+/).find((part) => part.startsWith('udp:'))?.slice(4) ?? value?.split(/\s+/).find((part) => !part.startsWith('tcp:'));
  const match = udp ? /^(.+):(\d+)$/.exec(udp) : null;
  return match ? { host: match[1]!, port: Number(match[2]) } : undefined;
}

let socket: Socket | undefined;

function send(document: object): void {
  const address = daemonAddress();
  if (!address) return;
  if (!socket) {
    socket = createSocket('udp4');
    socket.unref(); // never what keeps a process alive
    socket.on('error', () => undefined); // a lost subsegment must not fail a request
  }
  socket.send(Buffer.from(DAEMON_HEADER + JSON.stringify(document)), address.port, address.host, () => undefined);
}

/** The names a call may carry safely: tables, a KMS key id or alias, an SNS topic (not a phone). */
function resourceNames(input: Record<string, unknown>): Record<string, unknown> {
  const tables = new Set<string>();
  if (typeof input.TableName === 'string') tables.add(input.TableName);
  for (const name of Object.keys((input.RequestItems as object | undefined) ?? {})) tables.add(name);
  for (const item of (input.TransactItems as Array<Record<string, { TableName?: unknown }>> | undefined) ?? []) {
    for (const part of Object.values(item)) if (typeof part?.TableName === 'string') tables.add(part.TableName);
  }
  return {
    ...(tables.size === 1 && { table_name: [...tables][0] }),
    ...(tables.size > 1 && { table_names: [...tables] }),
    ...(typeof input.KeyId === 'string' && { key_id: input.KeyId }),
    ...(typeof input.TopicArn === 'string' && { topic_arn: input.TopicArn }),
  };
}

interface Metadata {
  httpStatusCode?: number;
  requestId?: string;
  attempts?: number;
}

/** X-Ray's flags: `error` for a 4xx, with `throttle` when throttled; `fault` for a 5xx or no answer. */
function failureFields(error: unknown, status: number | undefined) {
  const name = error instanceof Error ? error.name : 'Error';
  const throttled = isThrottling(error);
  const clientError = status !== undefined && status >= 400 && status < 500;
  return {
    ...(clientError || throttled ? { error: true } : { fault: true }),
    ...(throttled && { throttle: true }),
    cause: { exceptions: [{ id: randomBytes(8).toString('hex'), type: name, remote: status !== undefined }] },
  };
}

/**
 * The interceptor for a client of `service` (an AwsService of ./aws-policy.ts): outside the
 * retries, so one subsegment per call, sent when the invocation is sampled.
 */
export function tracingInterceptor(service: string): CallInterceptor {
  return async (call, next) => {
    const trace = traceContext();
    if (!trace) return next(call);
    const base = {
      name: SERVICE_NAMES[service] ?? service,
      id: randomBytes(8).toString('hex'),
      trace_id: trace.traceId,
      parent_id: trace.parentId,
      type: 'subsegment',
      namespace: 'aws',
      start_time: Date.now() / 1000,
    };
    const aws = { operation: call.operation, region: process.env.AWS_REGION, ...resourceNames(call.input) };
    const emit = (metadata: Metadata | undefined, extra: object) => {
      try {
        send({
          ...base,
          end_time: Date.now() / 1000,
          aws: { ...aws, request_id: metadata?.requestId, retries: Math.max(0, (metadata?.attempts ?? 1) - 1) },
          ...(metadata?.httpStatusCode !== undefined && { http: { response: { status: metadata.httpStatusCode } } }),
          ...extra,
        });
      } catch {
        // tracing never fails a request
      }
    };
    try {
      const output = await next(call);
      emit(output.$metadata as Metadata | undefined, {});
      return output;
    } catch (error) {
      const metadata = (error as { $metadata?: Metadata }).$metadata;
      emit(metadata, failureFields(error, metadata?.httpStatusCode));
      throw error;
    }
  };
}
