/** SNS has no local stand-in: the one place a mock is right. The exact Publish request is asserted. */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { SnsSmsSender } from '../../shared/adapters/sms-sender';

const sns = mockClient(SNSClient);
beforeEach(() => sns.reset());

describe('SnsSmsSender', () => {
  it('publishes straight to the phone number as a transactional SMS', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    await new SnsSmsSender(new SNSClient({ region: 'eu-west-1' })).send('+4526123456', '123456 is your code');
    expect(sns.commandCalls(PublishCommand).map((c) => c.args[0].input)).toEqual([
      {
        PhoneNumber: '+4526123456',
        Message: '123456 is your code',
        MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } },
      },
    ]);
  });

  it('adds the sender ID and origination number when configured', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-2' });
    const sender = new SnsSmsSender(new SNSClient({ region: 'eu-west-1' }), { senderId: 'Acme', originationNumber: '+15550100' });
    await sender.send('+4526123456', 'hi');
    expect(sns.commandCalls(PublishCommand)[0]!.args[0].input).toEqual({
      PhoneNumber: '+4526123456',
      Message: 'hi',
      MessageAttributes: {
        'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
        'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: 'Acme' },
        'AWS.MM.SMS.OriginationNumber': { DataType: 'String', StringValue: '+15550100' },
      },
    });
  });

  it('lets a failed publish surface to the caller', async () => {
    sns.on(PublishCommand).rejects(new Error('Throttling'));
    await expect(new SnsSmsSender(new SNSClient({ region: 'eu-west-1' })).send('+4526123456', 'x')).rejects.toThrow('Throttling');
  });
});
