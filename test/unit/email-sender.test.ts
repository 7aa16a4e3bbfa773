import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutboxEmailSender, SesEmailSender } from '../../shared/adapters/email-sender';
import { sesDouble } from '../support/aws-double';

const message = { to: 'ada@example.com', subject: 'Hello', text: 'Plain', html: '<p>Plain</p>' };

describe('email port', () => {
  it('sends through SES v2 as simple UTF-8 content from the configured identity', async () => {
    const ses = sesDouble();
    ses.on('SendEmail', () => ({ MessageId: 'm-1' }));
    await new SesEmailSender(ses.client, { from: 'TwoFactor <no-reply@example.com>', configurationSet: 'auth' }).send(message);
    expect(ses.requests.map((r) => r.input)).toEqual([
      {
        FromEmailAddress: 'TwoFactor <no-reply@example.com>',
        Destination: { ToAddresses: ['ada@example.com'] },
        Content: {
          Simple: {
            Subject: { Data: 'Hello', Charset: 'UTF-8' },
            Body: { Text: { Data: 'Plain', Charset: 'UTF-8' }, Html: { Data: '<p>Plain</p>', Charset: 'UTF-8' } },
          },
        },
        ConfigurationSetName: 'auth',
      },
    ]);
  });

  it('appends each message to the local outbox as one JSON line', async () => {
    const file = join(tmpdir(), `email-outbox-${process.pid}.jsonl`);
    await rm(file, { force: true });
    const outbox = new OutboxEmailSender(file, false);
    await outbox.send(message);
    await outbox.send({ ...message, to: 'grace@example.com' });
    const lines = (await readFile(file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.to, l.subject, l.text, l.html])).toEqual([
      ['ada@example.com', 'Hello', 'Plain', '<p>Plain</p>'],
      ['grace@example.com', 'Hello', 'Plain', '<p>Plain</p>'],
    ]);
    await rm(file, { force: true });
  });
});
