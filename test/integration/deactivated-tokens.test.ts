/**
 * A deactivated user is switched off at once, on every route: their existing access tokens get 401
 * on every route of functions/routes.ts that takes one (GETs included, table-driven), their refresh
 * tokens and pending login tokens too, and a login with the right password says why (the wrong
 * password still gets the plain answer: no account oracle).
 */
import { QueryCommand } from '../../shared/store/commands';
import { decodeJwt } from 'jose';
import { routeEntries, routes, type RouteKey } from '../../functions/routes';
import { cliActor } from '../../shared/audit/events';
import { deactivateUser } from '../../shared/identity/offboarding';
import { createUser, getUser } from '../../shared/identity/users';
import { db, tableName } from '../../shared/store/client';
import { keys } from '../../shared/store/keys';
import type { Principal } from '../../shared/tokens/principal';
import { testClock } from '../support/clock';
import { accessToken, login, newOrg, newUser, uniqueEmail } from '../support/fixtures';
import { invoke } from '../support/invoke';
import { enrolTotp } from '../support/two-factor';
import { writeRoutes, type WriteRoute } from '../support/write-routes';

// Many scrypt logins per test: generous on a loaded machine.
jest.setTimeout(120_000);

let clock: ReturnType<typeof testClock>;
beforeEach(() => {
  clock = testClock();
});
afterEach(() => clock.restore());

let support: Principal;
beforeAll(async () => {
  const user = await newUser(`Support desk ${uniqueEmail()}`, 'support');
  support = { userId: user.userId, orgId: user.orgId, role: 'support', aal: 2, amr: ['pwd', 'otp'], authTime: 0, pending: false, expiresAt: 0 };
});

/** Deactivates the user as support would; an org's only admin gets a second one first (the last admin cannot go). */
async function deactivate(userId: number): Promise<void> {
  const user = (await getUser(userId))!;
  if (user.role === 'admin') await createUser({ orgId: user.orgId, email: uniqueEmail('spare-admin'), role: 'admin', password: 'a spare admin password' }, cliActor('test'));
  await deactivateUser(support, userId, cliActor('test'));
}

async function partition(pk: string): Promise<Record<string, unknown>[]> {
  const result = await db().send(
    new QueryCommand({ TableName: tableName(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true }),
  );
  return result.Items ?? [];
}

const userRoutes = routeEntries().filter(([, r]) => r.access !== 'public').map(([key]) => key);
const getRoutes = userRoutes.filter((key) => key.startsWith('GET '));
const writeKeys = userRoutes.filter((key): key is WriteRoute => !key.startsWith('GET '));

describe("a deactivated user's access token gets 401 on every GET route", () => {
  for (const key of getRoutes) {
    it(key, async () => {
      // An org admin (every GET route is open to one), with an unverified TOTP factor so the secret routes answer.
      const { admin } = await newOrg();
      const token = await accessToken(admin);
      await invoke('PATCH /api/two-factor', { token, body: { method: 'google', secret_key: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' } });
      const call = { token, params: { id: admin.userId } };
      expect((await invoke(key, call)).status).toBeLessThan(300);

      await deactivate(admin.userId);

      expect((await invoke(key, call)).status).toBe(401);
    });
  }
});

describe("a deactivated user's token gets 401 on every other route, and changes nothing", () => {
  for (const key of writeKeys) {
    it(key, async () => {
      const call = await writeRoutes[key].setup(clock);
      const userId = Number(decodeJwt(call.options.token!).sub);
      // Support staff are not offboarded through these routes (their tokens stay theirs).
      if ((await getUser(userId))!.role === 'support') return;
      await deactivate(userId);
      const pks = [...call.orgs.flatMap((o) => [`ORG#${o}`, ...keys.auditShards(o)]), `USER#${userId}`];
      const before = await Promise.all(pks.map(partition));

      const response = await invoke(key, call.options);

      expect(response.status).toBe(401);
      expect(await Promise.all(pks.map(partition))).toEqual(before);
    });
  }
});

it('the table-driven suites cover every route that takes a token', () => {
  expect([...getRoutes, ...writeKeys].sort()).toEqual(userRoutes.sort());
  expect(userRoutes.every((key) => routes[key as RouteKey].access !== 'public')).toBe(true);
});

describe('the other credentials of a deactivated user', () => {
  it('a refresh token gets 401', async () => {
    const { member } = await newOrg();
    const { refreshToken } = await login(member);
    await deactivate(member.userId);
    const response = await invoke('POST /api/auth/refresh', { body: { refreshToken } });
    expect({ status: response.status, code: response.body.code }).toEqual({ status: 401, code: 'invalid_refresh_token' });
  });

  it('a pending login token gets 401 on the routes that take one', async () => {
    const { member } = await newOrg();
    await enrolTotp(await accessToken(member));
    clock.nextStep();
    const { pendingToken } = await login(member);
    expect((await invoke('GET /api/two-factor', { token: pendingToken })).status).toBe(200);
    await deactivate(member.userId);

    for (const key of ['GET /api/two-factor', 'POST /2fa/authenticate', 'POST /2fa/webauthn/options'] as const) {
      const response = await invoke(key, { token: pendingToken, body: key === 'POST /2fa/authenticate' ? { code: '123456' } : undefined });
      expect({ key, status: response.status, code: response.body.code }).toEqual({ key, status: 401, code: 'account_deactivated' });
    }
  });

  it('login: the right password is told the account is deactivated; a wrong one gets the usual answer', async () => {
    const { member } = await newOrg();
    await deactivate(member.userId);

    const right = await invoke('POST /api/auth/login', { body: { email: member.email, password: member.password } });
    const wrong = await invoke('POST /api/auth/login', { body: { email: member.email, password: `${member.password}x` } });

    expect({ status: right.status, code: right.body.code }).toEqual({ status: 403, code: 'account_deactivated' });
    expect({ status: wrong.status, code: wrong.body.code }).toEqual({ status: 401, code: 'invalid_credentials' });
  });
});
