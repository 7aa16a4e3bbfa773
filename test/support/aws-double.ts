/**
 * KMS, SES and SNS for tests that cannot use the local stand-ins (a chosen key, a refusal): the
 * service's own client (shared/adapters/kms-client.ts, ses-client.ts, sns-client.ts) whose every
 * attempt is answered here, as the service's API answers, by the test's handler of each operation.
 * The requests are kept as they went on the wire (the JSON body, or SNS's form as an object), so a
 * test asserts the exact request.
 */
import { KmsClient } from '../../shared/adapters/kms-client';
import { SesClient } from '../../shared/adapters/ses-client';
import { SnsClient } from '../../shared/adapters/sns-client';
import { refusedBy } from '../../infra/local/faults';
import type { AwsClient, WireResponse } from '../../shared/store/aws-client';
import { CLIENT_POLICIES, type AwsService } from '../../shared/store/aws-policy';

/** An answer (bytes go out in base64), or a refusal by the service's name for it. */
type Answer = Record<string, unknown> | { error: string; message: string; status?: number };
type Handler = (input: Record<string, any>) => Answer | Promise<Answer>;

export interface AwsDouble<C extends AwsClient> {
  client: C;
  /** Each request's operation and JSON body, in order. */
  requests: Array<{ operation: string; input: Record<string, any> }>;
  on(operation: string, handler: Handler): void;
  reset(): void;
}

const base64 = (value: unknown) => (value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value);

/** How a protocol's requests read and its successful answers are written (refusals: refusedBy). */
interface Wire {
  input(body: string): Record<string, any>;
  ok(answer: Record<string, unknown>): WireResponse;
}

const json: Wire = {
  input: (body) => JSON.parse(body) as Record<string, any>,
  ok: (answer) => ({ status: 200, body: JSON.stringify(Object.fromEntries(Object.entries(answer).map(([k, v]) => [k, base64(v)]))) }),
};

const query: Wire = {
  input: (body) => Object.fromEntries(new URLSearchParams(body)),
  ok: (answer) => ({ status: 200, body: `<PublishResponse><PublishResult><MessageId>${String(answer.MessageId)}</MessageId></PublishResult></PublishResponse>` }),
};

export function awsDouble<C extends AwsClient>(client: C, service: AwsService, wire: Wire = json): AwsDouble<C> {
  const handlers = new Map<string, Handler>();
  const double: AwsDouble<C> = {
    client,
    requests: [],
    on: (operation, handler) => void handlers.set(operation, handler),
    reset: () => {
      handlers.clear();
      double.requests.length = 0;
    },
  };
  client.interceptAttempts(async (request) => {
    const input = wire.input(request.body);
    double.requests.push({ operation: request.operation, input });
    const handler = handlers.get(request.operation);
    const answer = handler ? await handler(input) : { error: 'UnsupportedOperationException', message: `no answer set for ${request.operation}` };
    if ('error' in answer) {
      const { error, message, status = 400 } = answer as { error: string; message: string; status?: number };
      return refusedBy(service, status, error, message);
    }
    return wire.ok(answer);
  });
  return double;
}

const options = (service: 'kms' | 'ses' | 'sns') => ({
  endpoint: new URL('http://127.0.0.1:9'), // never reached: every attempt is answered by the double
  region: 'eu-west-1',
  credentials: { accessKeyId: 'tests', secretAccessKey: 'tests' },
  policy: CLIENT_POLICIES[service],
});

export const kmsDouble = () => awsDouble(new KmsClient(options('kms')), 'kms');
export const sesDouble = () => awsDouble(new SesClient(options('ses')), 'ses');
export const snsDouble = () => awsDouble(new SnsClient(options('sns')), 'sns', query);
