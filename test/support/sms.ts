/** The SMS outbox as a test's phone: the last code sent to a number. */
import { readFile } from 'node:fs/promises';
import { wholeJsonLines } from '../../infra/local/json-lines';

export const randomDanishMobile = () => `26${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;

export async function lastSms(e164: string): Promise<{ message: string; code: string } | undefined> {
  const text = await readFile(process.env.SMS_OUTBOX_FILE!, 'utf8').catch(() => '');
  const mine = wholeJsonLines<{ to: string; message: string }>(text).filter((m) => m.to === e164);
  const last = mine.at(-1);
  return last && { message: last.message, code: /\b(\d{6})\b/.exec(last.message)![1]! };
}

export async function smsCount(e164: string): Promise<number> {
  const text = await readFile(process.env.SMS_OUTBOX_FILE!, 'utf8').catch(() => '');
  return wholeJsonLines<{ to: string }>(text).filter((m) => m.to === e164).length;
}
