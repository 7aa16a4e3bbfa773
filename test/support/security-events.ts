/** The security-event JSON Schema as a validator, and the local event file read back. */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { wholeJsonLines } from '../../infra/local/json-lines';
import type { SecurityEvent } from '../../infra/security-events';

const schema = JSON.parse(readFileSync(join(__dirname, '..', '..', 'docs', 'security-event.v1.schema.json'), 'utf8'));
export const validateSecurityEvent = new Ajv2020({ strict: true, allErrors: true }).compile(schema);

/** The events in a JSON Lines file (none if it does not exist yet). */
export async function readSecurityEvents(file: string): Promise<SecurityEvent[]> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? '' : Promise.reject(error)));
  return wholeJsonLines<SecurityEvent>(text);
}

/** Waits (up to `ms`) until the file holds an event that `match` accepts; answers the ones that match. */
export async function securityEventsWhen(file: string, match: (event: SecurityEvent) => boolean, ms = 10_000): Promise<SecurityEvent[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = (await readSecurityEvents(file)).filter(match);
    if (found.length > 0 || Date.now() > deadline) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
