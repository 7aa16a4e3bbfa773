/** A pending login token finishes one login, however many valid proofs are sent with it, in turn or at once. */
import { QueryCommand } from '../../shared/store/commands';
import { db, tableName } from '../../shared/store/client';
import { testClock } from '../support/clock';
import { accessToken, login, newOrg } from '../support/fixtures';
import { invoke } from '../support/invoke';
import { enrolTotp, loginWithTotp, totpCode } from '../support/two-factor';

let clock: ReturnType<typeof testClock>;
beforeEach(() => {
  clock = testClock();
});
afterEach(() => clock.restore());

const authenticate = (token: string, code: string) => invoke('POST /2fa/authenticate', { token, body: { code } });

async function liveSessions(userId: number) {
  const result = await db().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :s)',
      ExpressionAttributeValues: { ':pk': `USER#${userId}`, ':s': 'SESSION#' },
      ConsistentRead: true,
    }),
  );
  return (result.Items ?? []).filter((s) => !s.revokedAt).length;
}

it('after a successful second factor, the same pending token is refused with 401, even with the next step’s code', async () => {
  const { member } = await newOrg();
  const secret = await enrolTotp(await accessToken(member));
  clock.nextStep();
  const pending = (await login(member)).pendingToken!;

  expect((await authenticate(pending, await totpCode(secret))).status).toBe(200);
  clock.nextStep();
  const second = await authenticate(pending, await totpCode(secret));

  expect(second).toMatchObject({ status: 401, body: { code: 'invalid_token' } });
  expect(second.body.accessToken).toBeUndefined();
  // The refused attempt consumed nothing: a fresh login takes the same step's code.
  expect((await authenticate((await login(member)).pendingToken!, await totpCode(secret))).status).toBe(200);
});

it('parallel requests with different valid proofs on one pending token: one login, the rest 401', async () => {
  const { member } = await newOrg();
  const secret = await enrolTotp(await accessToken(member));
  clock.nextStep();
  const { accessToken: token } = await loginWithTotp(member, secret);
  const codes = (await invoke('POST /api/two-factor/recovery-codes', { token, body: {} })).body.data.codes as string[];
  clock.nextStep();
  const sessionsBefore = await liveSessions(member.userId);
  const pending = (await login(member)).pendingToken!;

  const answers = await Promise.all([totpCode(secret), ...codes.slice(0, 5)].map(async (code) => authenticate(pending, await code)));

  expect(answers.map((a) => a.status).sort()).toEqual([200, 401, 401, 401, 401, 401]);
  expect(await liveSessions(member.userId)).toBe(sessionsBefore + 1);
});
