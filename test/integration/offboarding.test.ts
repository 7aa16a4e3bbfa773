/**
 * Offboarding and user administration: deactivate, reactivate, erase (no item of the user left, even
 * past one transaction's size, and a retry finishes a cut-short erasure), the guards (self, last
 * admin, support staff, another org's admin, a member), the users list, and role changes.
 */
import { ScanCommand } from '../../shared/store/commands';
import { cliActor } from '../../shared/audit/events';
import { userStore } from '../../shared/identity/user-store';
import { db, tableName } from '../../shared/store/client';
import { transactWrite } from '../../shared/store/transact';
import { startSession } from '../../shared/tokens/sessions';
import { storedAuditEvents } from '../support/audit';
import { testClock } from '../support/clock';
import { accessToken, login, newOrg, newUser, uniqueEmail } from '../support/fixtures';
import { invoke } from '../support/invoke';
import { enrolTotp } from '../support/two-factor';
import { getUser } from '../../shared/identity/users';
import { auditPut } from '../../shared/audit/events';

// Many scrypt logins per test: generous on a loaded machine.
jest.setTimeout(120_000);

let clock: ReturnType<typeof testClock>;
beforeEach(() => {
  clock = testClock();
});
afterEach(() => clock.restore());

/** Every item anywhere in the table that belongs to the user or names their email. */
async function itemsOf(userId: number, email: string): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db().send(new ScanCommand({ TableName: tableName(), ConsistentRead: true, ExclusiveStartKey: start }));
    found.push(...(page.Items ?? []).filter((i) => i.pk === `USER#${userId}` || String(i.pk).includes(email) || i.email === email));
    start = page.LastEvaluatedKey;
  } while (start);
  return found;
}

const problem = (status: number, code: string) => expect.objectContaining({ status, body: expect.objectContaining({ status, code }) });

describe('deactivate and reactivate', () => {
  it('ends every session at once, refuses login, and reactivation lets the user sign in again', async () => {
    const { admin, member, orgId } = await newOrg();
    const token = await accessToken(admin);
    const memberToken = await accessToken(member);

    const response = await invoke('POST /api/users/{id}/deactivate', { token, params: { id: member.userId } });

    expect(response).toMatchObject({ status: 200, body: { data: { userId: member.userId, status: 'deactivated' } } });
    expect((await invoke('GET /api/users/{id}', { token: memberToken, params: { id: member.userId } })).status).toBe(401);
    const again = await invoke('POST /api/users/{id}/deactivate', { token, params: { id: member.userId } });
    expect(again.status).toBe(200); // idempotent: a repeat finishes what a failure left, and records nothing new
    const reactivated = await invoke('POST /api/users/{id}/reactivate', { token, params: { id: member.userId } });
    expect(reactivated).toMatchObject({ status: 200, body: { data: { status: 'active' } } });
    expect((await login(member)).accessToken).toEqual(expect.any(String));
    expect((await invoke('GET /api/users/{id}', { token: memberToken, params: { id: member.userId } })).status).toBe(401);

    const events = (await storedAuditEvents(orgId)).filter((e) => e.targetUserId === member.userId && /^user\.(de|re)activated$/.test(String(e.action)));
    expect(events.map((e) => e.action).sort()).toEqual(['user.deactivated', 'user.reactivated']);
  });

  it('guards: not yourself, not the last admin, not support staff; 404 for another org’s admin; 403 for a member', async () => {
    const { admin, member, orgId, name } = await newOrg();
    const other = await newOrg();
    const supportUser = await newUser(`Support ${uniqueEmail()}`, 'support');
    const token = await accessToken(admin);
    const otherAdmin = await accessToken(other.admin);
    const memberToken = await accessToken(member);
    const supportToken = await accessToken(supportUser);

    for (const key of ['POST /api/users/{id}/deactivate', 'DELETE /api/users/{id}'] as const) {
      expect(await invoke(key, { token, params: { id: admin.userId } })).toEqual(problem(403, 'forbidden'));
      expect(await invoke(key, { token: supportToken, params: { id: admin.userId } })).toEqual(problem(409, 'last_admin'));
      expect(await invoke(key, { token, params: { id: supportUser.userId } })).toEqual(problem(404, 'not_found'));
      expect(await invoke(key, { token: supportToken, params: { id: supportUser.userId } })).toEqual(problem(403, 'forbidden'));
      expect(await invoke(key, { token: otherAdmin, params: { id: member.userId } })).toEqual(problem(404, 'not_found'));
      expect(await invoke(key, { token: memberToken, params: { id: admin.userId } })).toEqual(problem(403, 'forbidden'));
      expect(await invoke(key, { token, params: { id: 999999999 } })).toEqual(problem(404, 'not_found'));
    }
    expect(await invoke('PATCH /api/users/{id}', { token: supportToken, params: { id: admin.userId }, body: { role: 'member' } })).toEqual(
      problem(409, 'last_admin'),
    );
    expect(await invoke('PATCH /api/users/{id}', { token, params: { id: member.userId }, body: { role: 'support' } })).toEqual(
      problem(400, 'validation_failed'),
    );
    // An invited admin is not one yet: the first is still the last active admin.
    const invited = await invoke('POST /api/users', { token, body: { email: uniqueEmail('second'), role: 'admin' } });
    expect(invited.status).toBe(201);
    expect(await invoke('POST /api/users/{id}/deactivate', { token: supportToken, params: { id: admin.userId } })).toEqual(problem(409, 'last_admin'));
    // With a second active admin, support may deactivate the first.
    await newUser(name, 'admin');
    expect((await invoke('POST /api/users/{id}/deactivate', { token: supportToken, params: { id: admin.userId } })).status).toBe(200);
    expect((await getUser(admin.userId))!.status).toBe('deactivated');
    expect((await storedAuditEvents(orgId)).some((e) => e.action === 'user.deactivated' && e.actorId === supportUser.userId)).toBe(true);
  });
});

describe('DELETE /api/users/{id}', () => {
  it('erases every item of the user in one transaction; the audit trail keeps the id, not the email', async () => {
    const { admin, member, orgId } = await newOrg();
    await enrolTotp(await accessToken(member));
    clock.nextStep();
    await login(member); // a pending login: nothing stored; and the sessions of the enrolment

    const response = await invoke('DELETE /api/users/{id}', { token: await accessToken(admin), params: { id: member.userId } });

    expect(response.status).toBe(204);
    expect(await itemsOf(member.userId, member.email)).toEqual([]);
    const events = await storedAuditEvents(orgId);
    expect(events.filter((e) => e.action === 'user.deleted')).toEqual([expect.objectContaining({ targetUserId: member.userId, actorId: admin.userId })]);
    expect(JSON.stringify(events)).not.toContain(member.email);
    expect((await invoke('POST /api/auth/login', { body: { email: member.email, password: member.password } })).status).toBe(401);
    // The email is free again.
    expect((await invoke('POST /api/users', { token: await accessToken(admin), body: { email: member.email } })).status).toBe(201);
  });

  it('past one transaction: a tombstone first, then the rest; a retry finishes an erasure cut short', async () => {
    const { admin, member } = await newOrg();
    const subject = { userId: member.userId, orgId: member.orgId, role: member.role };
    for (let i = 0; i < 120; i += 20) await Promise.all(Array.from({ length: 20 }, () => startSession(subject, { aal: 1, amr: ['pwd'] })));
    const token = await accessToken(admin);

    expect((await invoke('DELETE /api/users/{id}', { token, params: { id: member.userId } })).status).toBe(204);
    expect(await itemsOf(member.userId, member.email)).toEqual([]);

    // An erasure that stopped after its first step: the tombstone and the sessions are left.
    const { member: cut } = await newOrg();
    const cutSubject = { userId: cut.userId, orgId: cut.orgId, role: cut.role };
    await Promise.all(Array.from({ length: 5 }, () => startSession(cutSubject, { aal: 1, amr: ['pwd'] })));
    const record = (await getUser(cut.userId))!;
    await transactWrite([
      userStore.tombstone(record, new Date()),
      userStore.releaseEmail(record.email, record.userId),
      auditPut({ orgId: cut.orgId, action: 'user.deleted', actor: cliActor('test'), targetUserId: cut.userId }),
    ]);
    const cutAdmin = await accessToken((await newOrgOf(cut.orgId)).admin);
    expect((await invoke('GET /api/users/{id}', { token: cutAdmin, params: { id: cut.userId } })).status).toBe(404);
    expect((await invoke('DELETE /api/users/{id}', { token: cutAdmin, params: { id: cut.userId } })).status).toBe(204);
    expect(await itemsOf(cut.userId, cut.email)).toEqual([]);
  });
});

/** A second admin of an existing org (bootstrap creates it by the org's name). */
async function newOrgOf(orgId: number) {
  const org = (await import('../../shared/identity/users')).getOrg(orgId);
  return { admin: await newUser((await org)!.name, 'admin') };
}

describe('GET /api/users', () => {
  it('pages through the org by id, filters by status, and support names the org', async () => {
    const { admin, member, orgId, name } = await newOrg();
    const extra = await newUser(name, 'member');
    const token = await accessToken(admin);
    await invoke('POST /api/users/{id}/deactivate', { token, params: { id: extra.userId } });

    const first = await invoke('GET /api/users', { token, query: { limit: '2' } });
    const second = await invoke('GET /api/users', { token, query: { limit: '2', cursor: first.body.nextCursor } });
    const deactivated = await invoke('GET /api/users', { token, query: { status: 'deactivated' } });
    const supportToken = await accessToken(await newUser(`Support ${uniqueEmail()}`, 'support'));
    const bySupport = await invoke('GET /api/users', { token: supportToken, query: { org: String(orgId) } });

    expect(first.body.users.map((u: { userId: number }) => u.userId)).toEqual([admin.userId, member.userId]);
    expect(second.body.users).toEqual([
      { userId: extra.userId, orgId, email: extra.email, role: 'member', status: 'deactivated', createdAt: expect.any(String) },
    ]);
    expect(deactivated.body.users.map((u: { userId: number }) => u.userId)).toEqual([extra.userId]);
    expect(bySupport.body.users).toHaveLength(3);
    expect(await invoke('GET /api/users', { token, query: { org: String(orgId + 1) } })).toEqual(problem(403, 'forbidden'));
    expect(await invoke('GET /api/users', { token, query: { status: 'gone' } })).toEqual(problem(400, 'validation_failed'));
    const foreign = (await invoke('GET /api/users', { token: supportToken, query: { limit: '1', org: String(orgId) } })).body.nextCursor;
    expect(await invoke('GET /api/users', { token: await accessToken((await newOrg()).admin), query: { cursor: foreign } })).toEqual(
      problem(400, 'invalid_request'),
    );
    expect(await invoke('GET /api/users', { token: await accessToken(member) })).toEqual(problem(403, 'forbidden'));
  });
});

describe('PATCH /api/users/{id}: role', () => {
  it('promotes a member to admin and ends their sessions (their tokens carried the old role)', async () => {
    const { admin, member } = await newOrg();
    const memberToken = await accessToken(member);
    const response = await invoke('PATCH /api/users/{id}', { token: await accessToken(admin), params: { id: member.userId }, body: { role: 'admin' } });
    expect(response).toMatchObject({ status: 200, body: { data: { role: 'admin' } } });
    expect((await invoke('GET /api/auth/sessions', { token: memberToken })).status).toBe(401);
    const fresh = await accessToken(member);
    expect((await invoke('GET /api/users', { token: fresh })).status).toBe(200);
  });
});
