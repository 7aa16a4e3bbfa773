/** The email outbox as a test's mailbox: the messages sent to an address, and links in them. */
import { readFile } from 'node:fs/promises';
import { wholeJsonLines } from '../../infra/local/json-lines';
import { UpdateCommand } from '../../shared/store/commands';
import type { EmailMessage } from '../../shared/adapters/email-sender';
import { db, tableName } from '../../shared/store/client';
import { keys } from '../../shared/store/keys';

export async function emailsTo(address: string): Promise<EmailMessage[]> {
  const text = await readFile(process.env.EMAIL_OUTBOX_FILE!, 'utf8').catch(() => '');
  return wholeJsonLines<EmailMessage>(text).filter((m) => m.to.toLowerCase() === address.toLowerCase());
}

export async function lastEmail(address: string): Promise<EmailMessage | undefined> {
  return (await emailsTo(address)).at(-1);
}

/**
 * The first link in the last message to this address that starts with `prefix` (e.g. the page URL);
 * with `param`, in the last message whose link carries it (`invitation`, `reset`): a security notice
 * (a link to the page, no parameter) may arrive after the message a test waits for.
 */
export async function lastLink(address: string, prefix = 'http', param?: string): Promise<URL | undefined> {
  const pattern = new RegExp(`${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\S+`);
  const links = (await emailsTo(address)).map((message) => message.text.match(pattern)?.[0]).filter((link): link is string => link !== undefined);
  const link = param === undefined ? links.at(-1) : links.filter((l) => new URL(l).searchParams.has(param)).at(-1);
  return link ? new URL(link) : undefined;
}

/** The 6-digit code in the last message to this address (an email sign-in code). */
export async function lastEmailCode(address: string): Promise<string | undefined> {
  return /\b(\d{6})\b/.exec((await lastEmail(address))?.text ?? '')?.[1];
}

/**
 * As if the minimum interval between a user's email codes (30 s) had passed: the time of their last
 * send, the interval's item, moved 31 s back: for the synthesized stack, whose functions run on real
 * time, instead of sleeping (an in-process test advances its test clock).
 */
export async function emailCodeIntervalPassed(userId: number): Promise<void> {
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.rateLast('email-code-user-interval', String(userId)),
      UpdateExpression: 'SET lastAt = lastAt - :shift',
      ConditionExpression: 'attribute_exists(lastAt)',
      ExpressionAttributeValues: { ':shift': 31_000 },
    }),
  );
}
