/**
 * SES v2's SendEmail, the one operation the email port needs, over its REST JSON API
 * (`POST /v2/email/outbound-emails`) through ../store/aws-client.ts: the same signing, timeouts,
 * retries and budget as every other AWS call, and no SDK in the bundle (README, Performance).
 */
import { AwsClient, targetOf, type ClientTarget } from '../store/aws-client';

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
  constructor(target: ClientTarget) {
    super({ ...target, service: 'ses', route: () => ({ path: '/v2/email/outbound-emails' }), contentType: 'application/json' });
  }

  async sendEmail(input: SendEmailInput): Promise<void> {
    await this.call('SendEmail', input as unknown as Record<string, unknown>);
  }
}

export const sesClient = () => new SesClient(targetOf('ses'));
