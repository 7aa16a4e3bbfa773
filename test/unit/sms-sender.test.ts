/**
 * The SNS port: the exact Publish request as it goes on the wire (SNS's query form), answered at
 * the wire (test/support/aws-double.ts); the local SNS stand-in's own behaviour is in synth-mode.test.ts.
 */
import { SnsSmsSender } from '../../shared/adapters/sms-sender';
import { publishForm } from '../../shared/adapters/sns-client';
import { snsDouble } from '../support/aws-double';

describe('SnsSmsSender', () => {
  it('publishes straight to the phone number as a transactional SMS', async () => {
    const sns = snsDouble();
    sns.on('Publish', () => ({ MessageId: 'm-1' }));
    await new SnsSmsSender(sns.client).send('+4526123456', '123456 is your code');
    expect(sns.requests).toEqual([
      {
        operation: 'Publish',
        input: {
          Action: 'Publish',
          Version: '2010-03-31',
          PhoneNumber: '+4526123456',
          Message: '123456 is your code',
          'MessageAttributes.entry.1.Name': 'AWS.SNS.SMS.SMSType',
          'MessageAttributes.entry.1.Value.DataType': 'String',
          'MessageAttributes.entry.1.Value.StringValue': 'Transactional',
        },
      },
    ]);
  });

  it('adds the sender ID and origination number when configured', async () => {
    const sns = snsDouble();
    sns.on('Publish', () => ({ MessageId: 'm-2' }));
    await new SnsSmsSender(sns.client, { senderId: 'Acme', originationNumber: '+15550100' }).send('+4526123456', 'hi');
    expect(sns.requests[0]!.input).toMatchObject({
      'MessageAttributes.entry.2.Name': 'AWS.SNS.SMS.SenderID',
      'MessageAttributes.entry.2.Value.StringValue': 'Acme',
      'MessageAttributes.entry.3.Name': 'AWS.MM.SMS.OriginationNumber',
      'MessageAttributes.entry.3.Value.StringValue': '+15550100',
    });
  });

  it('lets a refused publish surface to the caller by SNS’s name for it', async () => {
    const sns = snsDouble();
    sns.on('Publish', () => ({ error: 'InvalidParameter', message: 'Invalid parameter: PhoneNumber Reason: <bad> & wrong' }));
    await expect(new SnsSmsSender(sns.client).send('+4526123456', 'x')).rejects.toMatchObject({ name: 'InvalidParameter', message: 'Invalid parameter: PhoneNumber Reason: <bad> & wrong' });
  });

  it('writes spaces and reserved characters as SigV4 and SNS expect (%20, not +)', () => {
    expect(publishForm({ PhoneNumber: '+4526123456', Message: 'a b&c=ø' })).toBe('Action=Publish&Version=2010-03-31&PhoneNumber=%2B4526123456&Message=a%20b%26c%3D%C3%B8');
  });
});
