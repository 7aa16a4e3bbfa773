/**
 * The second-factor step's writes (shared/factors/authenticate.ts commitLogin): one transaction of
 * the race gate, the session (its id: the pending token's jti, so its put spends the token) and its
 * audit event. The guarantees: a code once, also at once; a pending token once; no session without
 * its event; a failed write leaves nothing behind.
 */
import { GetCommand, QueryCommand } from '../../shared/store/commands';
import { decodeJwt } from 'jose';
import { db, tableName } from '../../shared/store/client';
import { keys } from '../../shared/store/keys';
import { storedAuditEvents } from '../support/audit';
import { testClock } from '../support/clock';
import { accessToken, login, newOrg } from '../support/fixtures';
import { invoke } from '../support/invoke';
import { enrolTotp, totpCode } from '../support/two-factor';

let clock: ReturnType<typeof testClock>;
beforeEach(() => {
  clock = testClock();
});
afterEach(() => clock.restore());

const authenticate = (token: string, code: string) => invoke('POST /2fa/authenticate', { token, body: { code } });
const jtiOf = (token: string) => decodeJwt(token).jti!;

async function twoFactorSessions(userId: number) {
  const result = await db().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :s)',
      ExpressionAttributeValues: { ':pk': keys.userPartition(userId), ':s': keys.sessionPrefix },
      ConsistentRead: true,
    }),
  );
  // Second-factor sessions (the enrolment's password-only session is not one).
  return (result.Items ?? []).filter((s) => !s.revokedAt && s.aal === 2);
}

const loginEvents = async (orgId: number, userId: number) =>
  (await storedAuditEvents(orgId)).filter((e) => e.action === 'login.two_factor' && e.targetUserId === userId);

/** Records the DynamoDB calls made while `fn` runs (command name, and the items of a transaction). */
async function recordingCalls<T>(fn: () => Promise<T>): Promise<{ result: T; calls: { name: string; items?: number }[] }> {
  const calls: { name: string; items?: number }[] = [];
  const remove = db().intercept((call, next) => {
    const input = call.input as { TransactItems?: unknown[] };
    calls.push({ name: call.operation, ...(input.TransactItems && { items: input.TransactItems.length }) });
    return next(call);
  });
  try {
    return { result: await fn(), calls };
  } finally {
    remove();
  }
}

/** A user with TOTP, a fresh step, and a pending login token. */
async function enrolled() {
  const { orgId, member } = await newOrg();
  const secret = await enrolTotp(await accessToken(member));
  clock.nextStep();
  return { orgId, member, secret };
}

it('a TOTP login: the Query, then one transaction of the gate, the session (id = the pending token’s jti) and its audit event', async () => {
  const { orgId, member, secret } = await enrolled();
  const pending = (await login(member)).pendingToken!;

  const { result, calls } = await recordingCalls(async () => authenticate(pending, await totpCode(secret)));

  expect(result.status).toBe(200);
  expect(calls).toEqual([{ name: 'Query' }, { name: 'TransactWriteItems', items: 3 }]);
  const sid = decodeJwt(result.body.accessToken).sid;
  expect(sid).toBe(jtiOf(pending));
  expect((await twoFactorSessions(member.userId)).map((s) => s.sid)).toEqual([sid]);
  expect(await loginEvents(orgId, member.userId)).toEqual([expect.objectContaining({ details: { method: 'totp', sid } })]);
  // No separate spent-token item: the session is the mark.
  const old = await db().send(new GetCommand({ TableName: tableName(), Key: { pk: keys.userPartition(member.userId), sk: `USED_PENDING#${jtiOf(pending)}` } }));
  expect(old.Item).toBeUndefined();
});

it('a replayed code is refused on a fresh pending token, and signs nobody in', async () => {
  const { orgId, member, secret } = await enrolled();
  const code = await totpCode(secret);
  expect((await authenticate((await login(member)).pendingToken!, code)).status).toBe(200);

  const replay = await authenticate((await login(member)).pendingToken!, code);

  expect(replay).toMatchObject({ status: 422, body: { code: 'invalid_code' } });
  expect(await twoFactorSessions(member.userId)).toHaveLength(1);
  expect(await loginEvents(orgId, member.userId)).toHaveLength(1);
});

it('one code sent at once with two pending tokens: exactly one session, and its event', async () => {
  const { orgId, member, secret } = await enrolled();
  const [a, b] = [(await login(member)).pendingToken!, (await login(member)).pendingToken!];
  const code = await totpCode(secret);

  const answers = await Promise.all([authenticate(a, code), authenticate(b, code), authenticate(a, code), authenticate(b, code)]);

  expect(answers.filter((r) => r.status === 200)).toHaveLength(1);
  // The other token's copies lose at the gate (the code is used), the winner's own copy at its session (the token is spent).
  expect(answers.every((r) => r.status === 200 || r.status === 401 || r.status === 422)).toBe(true);
  const sessions = await twoFactorSessions(member.userId);
  expect(sessions).toHaveLength(1);
  expect((await loginEvents(orgId, member.userId)).map((e) => (e.details as { sid: string }).sid)).toEqual([sessions[0]!.sid]);
});

it('a spent pending token with the next step’s valid code: 401, no second session, no second event', async () => {
  const { orgId, member, secret } = await enrolled();
  const pending = (await login(member)).pendingToken!;
  expect((await authenticate(pending, await totpCode(secret))).status).toBe(200);
  clock.nextStep();

  const replay = await authenticate(pending, await totpCode(secret));

  expect(replay).toMatchObject({ status: 401, body: { code: 'invalid_token' } });
  expect(await twoFactorSessions(member.userId)).toHaveLength(1);
  expect(await loginEvents(orgId, member.userId)).toHaveLength(1);
});

it('a crash before the transaction: nothing was written, and the same code and pending token still sign in', async () => {
  const { orgId, member, secret } = await enrolled();
  const pending = (await login(member)).pendingToken!;
  const code = await totpCode(secret);
  // The process dies before its one write reaches DynamoDB.
  const remove = db().intercept((call, next) => {
    if (call.operation === 'TransactWriteItems') throw new Error('the process died here');
    return next(call);
  });
  let crashed;
  try {
    crashed = await authenticate(pending, code);
  } finally {
    remove();
  }

  expect(crashed.status).toBe(500);
  expect(await twoFactorSessions(member.userId)).toHaveLength(0);
  expect(await loginEvents(orgId, member.userId)).toHaveLength(0);
  const retried = await authenticate(pending, code);
  expect(retried.status).toBe(200);
  expect(decodeJwt(retried.body.accessToken).sid).toBe(jtiOf(pending));
  expect(await loginEvents(orgId, member.userId)).toHaveLength(1);
});

it('every session a 2FA login starts has its audit event, whatever finished it', async () => {
  const { orgId, member, secret } = await enrolled();
  const { accessToken: token } = (await authenticate((await login(member)).pendingToken!, await totpCode(secret))).body;
  const codes = (await invoke('POST /api/two-factor/recovery-codes', { token, body: {} })).body.data.codes as string[];
  clock.nextStep();
  expect((await authenticate((await login(member)).pendingToken!, codes[0]!)).status).toBe(200);
  expect((await authenticate((await login(member)).pendingToken!, await totpCode(secret))).status).toBe(200);

  const sessions = (await twoFactorSessions(member.userId)).map((s) => s.sid).sort();
  const events = (await loginEvents(orgId, member.userId)).map((e) => (e.details as { sid: string }).sid).sort();

  expect(sessions).toHaveLength(3);
  expect(events).toEqual(sessions);
});
