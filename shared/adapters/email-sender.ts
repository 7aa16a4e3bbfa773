/**
 * The port email leaves through: Amazon SES (v2 SendEmail, simple content) in AWS, an outbox file
 * locally (the server prints each message). The SES client (./ses-client.ts) is imported only here,
 * so only the routes that send email bundle it.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { config } from '../config';
import { sesClient, type SesClient } from './ses-client';

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface EmailSender {
  send(message: EmailMessage): Promise<void>;
}

export class SesEmailSender implements EmailSender {
  constructor(
    private readonly ses: Pick<SesClient, 'sendEmail'>,
    private readonly options: { from: string; configurationSet?: string },
  ) {}

  async send({ to, subject, text, html }: EmailMessage): Promise<void> {
    await this.ses.sendEmail({
      FromEmailAddress: this.options.from,
      Destination: { ToAddresses: [to] },
      Content: {
        Simple: {
          Subject: { Data: subject, Charset: 'UTF-8' },
          Body: { Text: { Data: text, Charset: 'UTF-8' }, Html: { Data: html, Charset: 'UTF-8' } },
        },
      },
      ...(this.options.configurationSet && { ConfigurationSetName: this.options.configurationSet }),
    });
  }
}

/** Local stand-in for a mailbox: one JSON line per message, and the text printed. */
export class OutboxEmailSender implements EmailSender {
  constructor(
    private readonly file: string,
    private readonly print = true,
  ) {}

  async send(message: EmailMessage): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    await appendFile(this.file, JSON.stringify({ at: new Date().toISOString(), ...message }) + '\n', { mode: 0o600 });
    if (this.print) console.log(`[email outbox] to ${message.to}: ${message.subject}\n${message.text}`);
  }
}

let sender: EmailSender | undefined;

export async function emailSender(): Promise<EmailSender> {
  if (!sender) {
    const c = config();
    if (c.EMAIL_SENDER === 'ses') {
      sender = new SesEmailSender(sesClient(), { from: c.EMAIL_FROM!, configurationSet: c.SES_CONFIGURATION_SET });
    } else {
      sender = new OutboxEmailSender(c.EMAIL_OUTBOX_FILE, c.EMAIL_OUTBOX_PRINT === 'true');
    }
  }
  return sender;
}

/** Tests only: swap the sender (e.g. one that fails). */
export function setEmailSender(next: EmailSender | undefined): void {
  sender = next;
}
