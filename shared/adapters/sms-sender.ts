/**
 * The port SMS leave through: Amazon SNS in AWS (direct publish to a phone number, transactional),
 * an outbox file locally (the server prints each message). The SNS client (./sns-client.ts) is
 * imported only here, so only the routes that send SMS bundle it.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { config } from '../config';
import { snsClient, type SnsClient } from './sns-client';

export interface SmsSender {
  send(to: string, message: string): Promise<void>;
}

export class SnsSmsSender implements SmsSender {
  constructor(
    private readonly sns: Pick<SnsClient, 'publish'>,
    private readonly options: { senderId?: string; originationNumber?: string } = {},
  ) {}

  async send(to: string, message: string): Promise<void> {
    await this.sns.publish({
      PhoneNumber: to,
      Message: message,
      MessageAttributes: {
        // Transactional: highest delivery reliability, sent even to opted-out-of-marketing numbers.
        'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
        ...(this.options.senderId && { 'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: this.options.senderId } }),
        ...(this.options.originationNumber && { 'AWS.MM.SMS.OriginationNumber': { DataType: 'String', StringValue: this.options.originationNumber } }),
      },
    });
  }
}

/** Local stand-in for a phone: one JSON line per message, and the message printed. */
export class OutboxSmsSender implements SmsSender {
  constructor(
    private readonly file: string,
    private readonly print = true,
  ) {}

  async send(to: string, message: string): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    await appendFile(this.file, JSON.stringify({ at: new Date().toISOString(), to, message }) + '\n', { mode: 0o600 });
    if (this.print) console.log(`[sms outbox] to ${to}: ${message}`);
  }
}

let sender: SmsSender | undefined;

export async function smsSender(): Promise<SmsSender> {
  if (!sender) {
    const c = config();
    if (c.SMS_SENDER === 'sns') {
      sender = new SnsSmsSender(snsClient(), { senderId: c.SMS_SENDER_ID, originationNumber: c.SMS_ORIGINATION_NUMBER });
    } else {
      sender = new OutboxSmsSender(c.SMS_OUTBOX_FILE, c.SMS_OUTBOX_PRINT === 'true');
    }
  }
  return sender;
}

/** Tests only: swap the sender (e.g. one that fails). */
export function setSmsSender(next: SmsSender | undefined): void {
  sender = next;
}
