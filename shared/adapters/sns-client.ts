/**
 * SNS's Publish, the one operation the SMS port needs, over SNS's query protocol (a form POST, an
 * XML answer) through ../store/aws-client.ts: the same signing, timeouts, retries and budget
 * as every other AWS call, and no SDK in the bundle (README, Performance).
 */
import { AwsClient, targetOf, type ClientTarget, type Refusal } from '../store/aws-client';

export interface PublishInput {
  PhoneNumber: string;
  Message: string;
  /** String attributes only (the SMS settings). */
  MessageAttributes?: Record<string, { DataType: 'String'; StringValue: string }>;
}

/** The query protocol's form: Action, Version and the input flattened (`MessageAttributes.entry.N.…`). */
export function publishForm(input: PublishInput): string {
  const form = new URLSearchParams({ Action: 'Publish', Version: '2010-03-31', PhoneNumber: input.PhoneNumber, Message: input.Message });
  Object.entries(input.MessageAttributes ?? {}).forEach(([name, value], i) => {
    const entry = `MessageAttributes.entry.${i + 1}`;
    form.append(`${entry}.Name`, name);
    form.append(`${entry}.Value.DataType`, value.DataType);
    form.append(`${entry}.Value.StringValue`, value.StringValue);
  });
  // URLSearchParams writes a space as '+', which SNS would read as a space too; %20 as the SDK writes it.
  return form.toString().replace(/\+/g, '%20');
}

const unescapeXml = (text: string) =>
  text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

/** An element's text in a small, flat XML answer (these answers hold no nested element of the same name). */
const element = (xml: string, name: string) => {
  const found = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
  return found === undefined ? undefined : unescapeXml(found);
};

/** The query protocol's refusal: `<ErrorResponse><Error><Code>…</Code><Message>…</Message></Error>`. */
function xmlRefusal(body: string): Refusal {
  return { name: element(body, 'Code'), message: element(body, 'Message') };
}

export class SnsClient extends AwsClient {
  constructor(target: ClientTarget) {
    super({
      ...target,
      service: 'sns',
      route: () => ({ path: '/' }),
      contentType: 'application/x-www-form-urlencoded; charset=utf-8',
      encode: (_operation, input) => publishForm(input as PublishInput),
      // Publish's answer is its message id, which nothing reads.
      decode: () => ({}),
      refusal: xmlRefusal,
    });
  }

  async publish(input: PublishInput): Promise<void> {
    await this.call('Publish', input as unknown as Record<string, unknown>);
  }
}

export const snsClient = () => new SnsClient(targetOf('sns'));
