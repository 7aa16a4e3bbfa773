/**
 * The second step skipped: a password login that presents a remembered device's token (body or
 * cookie) of this same user, while the org allows it (shared/tokens/devices.ts), starts a session
 * with aal 1 and amr ["pwd","dev"]. Sensitive changes still demand a fresh second factor (they want
 * aal 2). Anything wrong with the token answers nothing here and the login asks for the second
 * factor as usual: a caller never learns why a token did not work.
 */
import { auditPut, type Actor } from '../audit/events';
import { ErrorCode, Forbidden } from '../errors';
import type { Account } from '../factors/account';
import { devicesStateIn } from '../factors/authenticate';
import * as metrics from '../metrics';
import type { Policy } from '../policy/policy';
import { LostRace } from '../store/conditions';
import { transactWrite } from '../store/transact';
import { checkDeviceToken } from '../tokens/devices';
import { prepareSession, type Tokens } from '../tokens/sessions';
import { userStore } from './user-store';

/** Full tokens when the token names a device of this account that still works; else undefined. */
export async function rememberedDeviceLogin(account: Account, policy: Policy, deviceToken: string, from: Actor, at: Date): Promise<Tokens | undefined> {
  const { user } = account;
  const match = await checkDeviceToken(user.userId, deviceToken, devicesStateIn(account), policy, at);
  if (!match) return undefined;
  const subject = { userId: user.userId, orgId: user.orgId, role: user.role };
  const session = await prepareSession(subject, { aal: 1, amr: ['pwd', 'dev'] }, from);
  const event = auditPut({
    orgId: user.orgId,
    action: 'login.remembered_device',
    actor: { ...from, subject },
    targetUserId: user.userId,
    details: { deviceId: match.device.deviceId },
    policySequence: policy.sequence,
  });
  try {
    // The profile check stops a deactivation committed since the read; the device's own writes stop
    // a device forgotten, or revoked by a change, since then.
    await transactWrite([session.write, userStore.assertActive(user.userId), ...match.writes, event]);
  } catch (error) {
    if (!(error instanceof LostRace)) throw error;
    if (error.lost(1)) throw new Forbidden('This account is deactivated: ask your organisation’s administrator', ErrorCode.accountDeactivated);
    if (error.failed.length) return undefined;
    throw error;
  }
  metrics.login('success', 'device', user.orgId);
  return session.tokens();
}
