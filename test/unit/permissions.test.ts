/** Who may edit and see whom: the rules behind resets, impersonation and the user routes, without DynamoDB. */
import { mayEditUser, mayViewUser } from '../../shared/identity/permissions';
import type { Role, User } from '../../shared/model/user';
import type { Principal } from '../../shared/tokens/principal';

const user = (userId: number, orgId: number, role: Role): User => ({ userId, orgId, role, email: `u${userId}@example.com`, createdAt: '2026-01-01T00:00:00.000Z' });

const caller = (u: User, extra: Partial<Principal> = {}): Principal => ({
  userId: u.userId,
  orgId: u.orgId,
  role: u.role,
  aal: 2,
  amr: ['pwd', 'otp'],
  sid: 'session',
  authTime: 0,
  pending: false,
  expiresAt: 0,
  ...extra,
});

const admin = user(1, 10, 'admin');
const member = user(2, 10, 'member');
const otherAdmin = user(3, 10, 'admin');
const stranger = user(4, 20, 'member');
const support = user(5, 99, 'support');
const otherSupport = user(6, 99, 'support');
const supportInOrg = user(7, 10, 'support');

describe('mayEditUser', () => {
  it('lets an org admin edit the members and admins of its own org, itself included', () => {
    expect(mayEditUser(caller(admin), member)).toBe(true);
    expect(mayEditUser(caller(admin), otherAdmin)).toBe(true);
    expect(mayEditUser(caller(admin), admin)).toBe(true);
  });

  it('refuses an org admin users of another org', () => {
    expect(mayEditUser(caller(admin), stranger)).toBe(false);
  });

  it('refuses an org admin support staff, even in its own org', () => {
    expect(mayEditUser(caller(admin), supportInOrg)).toBe(false);
    expect(mayEditUser(caller(admin), support)).toBe(false);
  });

  it('refuses a member anyone, itself included', () => {
    expect(mayEditUser(caller(member), member)).toBe(false);
    expect(mayEditUser(caller(member), admin)).toBe(false);
  });

  it('lets support staff edit anyone in any org but other support staff', () => {
    expect(mayEditUser(caller(support), member)).toBe(true);
    expect(mayEditUser(caller(support), admin)).toBe(true);
    expect(mayEditUser(caller(support), stranger)).toBe(true);
    expect(mayEditUser(caller(support), support)).toBe(true);
    expect(mayEditUser(caller(support), otherSupport)).toBe(false);
    expect(mayEditUser(caller(support), supportInOrg)).toBe(false);
  });

  it('refuses everything to an impersonation token, whoever it acts as', () => {
    expect(mayEditUser(caller(admin, { actorId: support.userId }), member)).toBe(false);
    expect(mayEditUser(caller(support, { actorId: otherSupport.userId }), member)).toBe(false);
  });
});

describe('mayViewUser', () => {
  it('lets everyone see themselves', () => {
    expect(mayViewUser(caller(member), member)).toBe(true);
    expect(mayViewUser(caller(stranger), stranger)).toBe(true);
  });

  it('refuses a member other users, in its org or not', () => {
    expect(mayViewUser(caller(member), admin)).toBe(false);
    expect(mayViewUser(caller(member), stranger)).toBe(false);
  });

  it('lets an org admin see every user of its own org, support staff included, and no one else', () => {
    expect(mayViewUser(caller(admin), member)).toBe(true);
    expect(mayViewUser(caller(admin), supportInOrg)).toBe(true);
    expect(mayViewUser(caller(admin), stranger)).toBe(false);
    expect(mayViewUser(caller(admin), support)).toBe(false);
  });

  it('lets support staff see anyone', () => {
    expect(mayViewUser(caller(support), stranger)).toBe(true);
    expect(mayViewUser(caller(support), otherSupport)).toBe(true);
  });
});
