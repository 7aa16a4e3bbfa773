/**
 * Every route that is not a GET, driven by the route table (test/support/write-routes.ts holds one
 * successful call of each): a token whose session was revoked gets 401 and changes nothing, a spent
 * pending login token gets 401, and a success leaves exactly the audit events its entry names.
 */
import { QueryCommand } from '../../shared/store/commands';
import { decodeJwt } from 'jose';
import { routeEntries, routes, type RouteKey } from '../../functions/routes';
import { cliActor } from '../../shared/audit/events';
import { bootstrapUser } from '../../shared/identity/bootstrap';
import { db, tableName } from '../../shared/store/client';
import { keys } from '../../shared/store/keys';
import { rotateSigningKey } from '../../shared/tokens/signing-keys';
import { revokeSession } from '../../shared/tokens/sessions';
import { storedAuditEvents } from '../support/audit';
import { testClock } from '../support/clock';
import { accessToken, login, newOrg, uniqueEmail } from '../support/fixtures';
import { invoke } from '../support/invoke';
import { enrolTotp, totpCode } from '../support/two-factor';
import { writeRoutes, type WriteRoute } from '../support/write-routes';

let clock: ReturnType<typeof testClock>;
beforeEach(() => {
  clock = testClock();
});
afterEach(() => clock.restore());

const nonGetRoutes = routeEntries()
  .map(([key]) => key)
  .filter((key): key is WriteRoute => !key.startsWith('GET '));

async function partition(pk: string): Promise<Record<string, unknown>[]> {
  const result = await db().send(
    new QueryCommand({ TableName: tableName(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true }),
  );
  return result.Items ?? [];
}

const auditEvents = storedAuditEvents;

it('the table has an entry for every non-GET route of the route table, and no other', () => {
  expect(Object.keys(writeRoutes).sort()).toEqual([...nonGetRoutes].sort());
});

describe('a token whose session was revoked gets 401 on every non-GET route, and changes nothing', () => {
  for (const key of nonGetRoutes.filter((k) => routes[k].access !== 'public')) {
    it(key, async () => {
      const call = await writeRoutes[key].setup(clock);
      const claims = decodeJwt(call.options.token!);
      await revokeSession(Number(claims.sub), claims.sid as string);
      // Everything the call could touch: the orgs (policy, audit trail) and the caller's own items.
      const pks = [...call.orgs.flatMap((o) => [`ORG#${o}`, ...keys.auditShards(o)]), `USER#${claims.sub}`];
      const before = await Promise.all(pks.map(partition));

      const response = await invoke(key, call.options);

      expect({ status: response.status, code: response.body?.code }).toEqual({
        status: 401,
        // Each dialect's spelling of unauthenticated: Zitadel REST's gRPC number, Connect's name.
        code: key.includes('/management/') ? 16 : key.includes('/zitadel.') ? 'unauthenticated' : 'invalid_token',
      });
      expect(await Promise.all(pks.map(partition))).toEqual(before);
    });
  }
});

it('a wrong code sent with a revoked session gets 401 and counts no failure: a dead token cannot lock the user out', async () => {
  const { member } = await newOrg();
  const token = await accessToken(member);
  const secret = await enrolTotp(token);
  clock.nextStep();
  const claims = decodeJwt(token);
  await revokeSession(member.userId, claims.sid as string);
  const wrong = (await totpCode(secret)) === '000000' ? '111111' : '000000';

  const answers = [];
  for (let i = 0; i < 5; i++) answers.push((await invoke('POST /2fa/disable-two-factor-auth', { token, body: { code: wrong } })).status);

  expect(answers).toEqual([401, 401, 401, 401, 401]);
  const mfa = (await partition(`USER#${member.userId}`)).find((i) => i.sk === 'MFA');
  expect(mfa?.failures ?? 0).toBe(0);
});

describe('a pending login token is single-use', () => {
  /** A body each pending route accepts, so the answer is about the token, not the input. */
  const bodies: Partial<Record<RouteKey, unknown>> = {
    'PATCH /api/two-factor': { method: 'google', secret_key: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' },
    'POST /api/two-factor/verify': { key: '123456' },
    'POST /api/two-factor/webauthn/register': { response: {} },
    'POST /2fa/enable-two-factor-auth': { code: '123456' },
    'POST /2fa/authenticate': { code: '123456' },
  };

  it('once it finished a login, every non-GET pending route answers it 401', async () => {
    const { member } = await newOrg();
    const secret = await enrolTotp(await accessToken(member));
    clock.nextStep();
    const pending = (await login(member)).pendingToken!;
    expect((await invoke('POST /2fa/authenticate', { token: pending, body: { code: await totpCode(secret) } })).status).toBe(200);
    clock.nextStep();

    const answers: Record<string, number> = {};
    for (const key of nonGetRoutes.filter((k) => routes[k].access === 'pending')) {
      answers[key] = (await invoke(key, { token: pending, body: bodies[key] })).status;
    }
    expect(answers).toEqual(Object.fromEntries(Object.keys(answers).map((k) => [k, 401])));
  });
});

describe('every non-GET route that succeeds leaves exactly the audit events its entry names', () => {
  for (const key of nonGetRoutes) {
    it(key, async () => {
      const entry = writeRoutes[key];
      const call = await entry.setup(clock);
      const before = new Set((await Promise.all(call.orgs.map(auditEvents))).flat().map((e) => e.eventId));

      const response = await invoke(key, call.options);

      expect(response.status).toBe(call.status);
      const order = (e: { orgId?: unknown; action?: unknown }) => `${String(e.orgId)}|${String(e.action)}`;
      const added = (await Promise.all([...new Set(call.orgs)].map(auditEvents)))
        .flat()
        .filter((e) => !before.has(e.eventId))
        .sort((a, b) => order(a).localeCompare(order(b)));
      const expected = [...call.events].sort((a, b) => order(a).localeCompare(order(b)));
      expect(added.map(order)).toEqual(expected.map(order));
      expected.forEach((event, i) => expect(added[i]).toMatchObject(event));
      // An entry either names its events or says why a success changes nothing worth auditing.
      expect(entry.unaudited === undefined).toBe(expected.length > 0);
    });
  }
});

describe('the command-line tools audit what they change', () => {
  it('bootstrap: the org and the user it creates, by the bootstrap command', async () => {
    const user = await bootstrapUser(`Org ${uniqueEmail('cli')}`, uniqueEmail('boot'), 'admin');
    const events = (await auditEvents(user.orgId)).sort((a, b) => String(a.action).localeCompare(String(b.action)));
    expect(events).toEqual([
      expect.objectContaining({ action: 'org.created', actorSystem: 'bootstrap' }),
      expect.objectContaining({ action: 'user.created', actorSystem: 'bootstrap', targetUserId: user.userId, details: { role: 'admin' } }),
    ]);
  });

  it('rotate-signing-key: the new key and the retired ones, in the platform trail', async () => {
    const kid = await rotateSigningKey(cliActor('rotate-signing-key'));
    const events = (await partition('PLATFORM')).filter((e) => (e.details as { kid?: string } | undefined)?.kid === kid);
    expect(events).toEqual([
      expect.objectContaining({ action: 'signing_key.rotated', actorSystem: 'rotate-signing-key', details: { kid, retired: expect.any(Array) } }),
    ]);
  });
});
