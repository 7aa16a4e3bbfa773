/**
 * KMS for tests that cannot use the local stand-in's own keys: the service's KMS client
 * (shared/adapters/kms-client.ts) whose every attempt is answered here, as KMS's JSON API answers,
 * by the test's handler of each operation. The requests are kept as they went on the wire, so a test
 * asserts the exact request.
 */
import { CLIENT_POLICIES } from '../../shared/store/aws-policy';
import { KmsClient } from '../../shared/adapters/kms-client';

type Answer = Record<string, unknown> | { error: string; message: string; status?: number };
type Handler = (input: Record<string, any>) => Answer | Promise<Answer>;

export interface KmsDouble {
  client: KmsClient;
  /** Each request's operation and JSON body, in order. */
  requests: Array<{ operation: string; input: Record<string, unknown> }>;
  on(operation: 'GenerateDataKey' | 'Decrypt', handler: Handler): void;
  reset(): void;
}

const base64 = (value: unknown) => (value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value);

export function kmsDouble(): KmsDouble {
  const handlers = new Map<string, Handler>();
  const double: KmsDouble = {
    client: new KmsClient({
      endpoint: new URL('http://127.0.0.1:9'), // never reached: every attempt is answered below
      region: 'eu-west-1',
      credentials: { accessKeyId: 'tests', secretAccessKey: 'tests' },
      policy: CLIENT_POLICIES.kms,
    }),
    requests: [],
    on: (operation, handler) => void handlers.set(operation, handler),
    reset: () => {
      handlers.clear();
      double.requests.length = 0;
    },
  };
  double.client.interceptAttempts(async (request) => {
    const input = JSON.parse(request.body) as Record<string, unknown>;
    double.requests.push({ operation: request.operation, input });
    const handler = handlers.get(request.operation);
    if (!handler) return { status: 400, body: JSON.stringify({ __type: 'UnsupportedOperationException', message: `no answer set for ${request.operation}` }) };
    const answer = await handler({ ...input, ...(typeof input.CiphertextBlob === 'string' && { CiphertextBlob: Buffer.from(input.CiphertextBlob, 'base64') }) });
    if ('error' in answer) return { status: Number(answer.status ?? 400), body: JSON.stringify({ __type: answer.error, message: answer.message }) };
    return { status: 200, body: JSON.stringify(Object.fromEntries(Object.entries(answer).map(([k, v]) => [k, base64(v)]))) };
  });
  return double;
}
