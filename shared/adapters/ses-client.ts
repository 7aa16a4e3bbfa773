/**
 * SES v2's SendEmail, the one operation the email port needs, over its REST JSON API
 * (`POST /v2/email/outbound-emails`) through ../store/aws-client.ts: the same signing, timeouts,
 * retries and budget as every other AWS call, and no SDK in the bundle (README, Performance).
 */
import { config } from '../config';
import { AwsClient, credentialsOf, endpointOf, type AwsClientOptions } from '../store/aws-client';
import { policyOf } from '../store/aws-policy';

interface Content {
  Data: string;
  Charset: 'UTF-8';
}

export interface SendEmailInput {
  FromEmailAddress: string;
  Destination: { ToAddresses: string[] };
  Content: { Simple: { Subject: Content; Body: { Text: Content; Html: Content } } };
  ConfigurationSetName?: string;
}

export class SesClient extends AwsClient {
  constructor(options: Pick<AwsClientOptions, 'endpoint' | 'region' | 'credentials' | 'policy'>) {
    super({
      ...options,
      service: 'ses',
      route: () => ({ path: '/v2/email/outbound-emails' }),
      contentType: 'application/json',
      encode: (_operation, input) => JSON.stringify(input),
      decode: (_operation, body) => JSON.parse(body) as Record<string, unknown>,
    });
  }

  /** Sends one message; its id, as SES gives it. */
  async sendEmail(input: SendEmailInput): Promise<string | undefined> {
    const { MessageId } = await this.call('SendEmail', input as unknown as Record<string, unknown>);
    return typeof MessageId === 'string' ? MessageId : undefined;
  }
}

/** SES in the configured region, with the environment's credentials (Lambda's). */
export function sesClient(): SesClient {
  const region = config().AWS_REGION;
  return new SesClient({ region, endpoint: endpointOf('ses', region), credentials: credentialsOf(), policy: policyOf('ses') });
}
