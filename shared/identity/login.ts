/**
 * Password login, the first factor. Answers full tokens, or a pending token (5 min, aal 1,
 * scope "2fa", no refresh token) when the user has a usable second factor, or has none and is past
 * the deadline by which the policy requires one (policy/role-rules.ts).
 * An unknown email and a wrong password get the same answer in the same time; failures are
 * throttled per account and per source address.
 */
import { auditPut, type Actor } from '../audit/events';
import { config } from '../config';
import { now } from '../clock';
import { ErrorCode, Forbidden, Unauthenticated } from '../errors';
import { isActive, type UserRecord } from '../model/user';
import { loadAccount, loginMethods, type Account, type FactorKind } from '../factors/account';
import * as metrics from '../metrics';
import { getPolicy, type Policy } from '../policy/policy';
import { enrolmentDeadline } from '../policy/role-rules';
import { assertUnderLimits, record, type Limit } from '../ratelimit/limits';
import { epochSeconds, LostRace } from '../store/conditions';
import { transactWrite } from '../store/transact';
import { signToken } from '../tokens/jwt';
import { prepareSession, type Subject, type Tokens } from '../tokens/sessions';
import { hashPassword, needsRehash, verifyAgainstDecoy, verifyPassword } from './passwords';
import { rememberedDeviceLogin } from './remembered-login';
import { userStore } from './user-store';
import { userIdByEmail } from './users';

export type LoginResult =
  | ({ kind: 'tokens'; twoFactorSetupRequired?: true; enrolBy?: string } & Tokens)
  | {
      kind: 'pending';
      pendingToken: string;
      expiresIn: number;
      methods: FactorKind[];
      twoFactorSetupRequired?: true;
      /** The days the org lets a device be remembered, when it does (the page offers the checkbox). */
      rememberDeviceDays?: number;
    };

/** Failed sign-ins from one address, whatever the method (password, passkey): one budget. */
export function addressFailureLimit(sourceIp: string): Limit {
  const c = config();
  return { scope: 'login-fail-ip', subject: sourceIp, max: c.LOGIN_MAX_FAILURES_PER_IP, windowSeconds: c.LOGIN_FAILURE_WINDOW };
}

function failureLimits(email: string, sourceIp: string): Limit[] {
  const c = config();
  return [
    { scope: 'login-fail-account', subject: email, max: c.LOGIN_MAX_FAILURES_PER_ACCOUNT, windowSeconds: c.LOGIN_FAILURE_WINDOW },
    addressFailureLimit(sourceIp),
  ];
}

/** What a login may present besides the password: a remembered device's token (body or cookie). */
export interface LoginExtras {
  deviceToken?: string;
}

export async function login(
  email: string,
  password: string,
  from: { sourceIp: string; userAgent: string },
  extras: LoginExtras = {},
): Promise<LoginResult> {
  const at = now();
  const limits = failureLimits(email, from.sourceIp);
  await assertUnderLimits(limits, at, 'Too many failed logins; retry later');

  const userId = await userIdByEmail(email);
  // An unknown email reads an empty partition: the same calls, and (with the decoy hash below) the
  // same work as a wrong password, so neither timing nor call counts tell which emails exist.
  const account = await loadAccount(userId ?? 0);
  const valid = account ? await verifyPassword(password, account.user.passwordHash) : await verifyAgainstDecoy(password);
  if (!account || !valid) {
    await record(limits, at);
    metrics.login('failed', 'password', account?.user.orgId);
    throw new Unauthenticated('Invalid email or password', ErrorCode.invalidCredentials);
  }
  // Only after the right password: nobody learns an account's status by guessing.
  assertMaySignIn(account.user);
  if (needsRehash(account.user.passwordHash!)) await upgradePasswordHash(account.user.userId, account.user.passwordHash!, password);
  return secondFactorStep(account, await getPolicy(account.user.orgId), at, from, extras);
}

/**
 * An imported hash (or ours with parameters weaker than today's) is replaced by ours now that the
 * password is known; only if it is still the hash just verified, so a concurrent password change wins.
 */
async function upgradePasswordHash(userId: number, verified: string, password: string): Promise<void> {
  await userStore.replacePasswordHash(userId, verified, await hashPassword(password));
}

/** An invited or deactivated user, with the right password (or passkey), is told why they cannot sign in. */
export function assertMaySignIn(user: UserRecord): void {
  if (isActive(user)) return;
  if (user.status === 'invited') {
    throw new Forbidden('This account is not activated yet: use the link in your invitation email', ErrorCode.invitationPending);
  }
  throw new Forbidden('This account is deactivated: ask your organisation’s administrator', ErrorCode.accountDeactivated);
}

/**
 * A session from the password alone, audited in the same transaction, which also checks the user
 * is still active: a deactivation committed since the read above stops it.
 */
async function startPasswordSession(subject: Subject, policy: Policy, from: Actor): Promise<Tokens> {
  const session = await prepareSession(subject, { aal: 1, amr: ['pwd'] }, from);
  try {
    await transactWrite([
      session.write,
      userStore.assertActive(subject.userId),
      auditPut({ orgId: subject.orgId, action: 'login.password', actor: { ...from, subject }, targetUserId: subject.userId, policySequence: policy.sequence }),
    ]);
  } catch (error) {
    if (error instanceof LostRace && error.lost(1)) throw new Forbidden('This account is deactivated: ask your organisation’s administrator', ErrorCode.accountDeactivated);
    throw error;
  }
  metrics.login('success', 'password', subject.orgId);
  return session.tokens();
}

/** Whether (and how) the user must prove a second factor after the password. */
export async function secondFactorStep(account: Account, policy: Policy, at: Date, from: Actor, extras: LoginExtras = {}): Promise<LoginResult> {
  const { user } = account;
  const subject = { userId: user.userId, orgId: user.orgId, role: user.role };
  // An admin or support user with email codes alone counts as not enrolled while 2FA is forced.
  const methods = loginMethods(account, policy);
  const enrolled = methods.length > 0;

  if (!enrolled) {
    const enrolBy = enrolmentDeadline(policy, user);
    if (!enrolBy) return { kind: 'tokens', ...(await startPasswordSession(subject, policy, from)) };
    // Required, not enrolled: before the user's deadline they still sign in, and are told to enrol by when.
    if (at < enrolBy) {
      const tokens = await startPasswordSession(subject, policy, from);
      return { kind: 'tokens', ...tokens, twoFactorSetupRequired: true, enrolBy: enrolBy.toISOString() };
    }
  }
  // Only a user with a factor skips it: a remembered device never stands in for enrolment.
  if (enrolled && extras.deviceToken) {
    const tokens = await rememberedDeviceLogin(account, policy, extras.deviceToken, from, at);
    if (tokens) return { kind: 'tokens', ...tokens };
  }
  const ttl = config().PENDING_TOKEN_TTL;
  const { token } = await signToken(
    { sub: String(user.userId), org: user.orgId, role: user.role, aal: 1, amr: ['pwd'], auth_time: epochSeconds(at), scope: '2fa' },
    ttl,
  );
  return {
    kind: 'pending',
    pendingToken: token,
    expiresIn: ttl,
    methods,
    ...(!enrolled && { twoFactorSetupRequired: true as const }),
    ...(enrolled && policy.rememberDeviceDays > 0 && { rememberDeviceDays: policy.rememberDeviceDays }),
  };
}
