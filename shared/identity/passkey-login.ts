/**
 * Passkey sign-in (passwordless): one step, no password. A discoverable credential registered as a
 * passkey, whose authenticator verified the user (the UV flag: a PIN or biometric), is two factors
 * in one (something held, and something known or been), so the session is aal 2 with amr
 * ["hwk", "user"] (RFC 8176). Without user verification the sign-in is refused (401
 * user_verification_required), never given a weaker session: presence alone is one factor, and a
 * password login is the way in then.
 *
 * Public route, so: failures count against the source address's failed sign-in budget, shared with
 * password login; they do not count towards the user's second-factor lockout, because a signature
 * cannot be guessed and counting would let anyone who learnt a credential id lock its user out.
 * The account's status and the policy are told only after a verified assertion, as login tells
 * them only after the right password.
 */
import { auditPut, type Actor } from '../audit/events';
import { now } from '../clock';
import { ErrorCode, Forbidden, Unauthenticated } from '../errors';
import { checkPasskeyAssertion, issuePasskeyChallenge } from '../factors/webauthn/passkey';
import * as metrics from '../metrics';
import { allowsPasswordless, getPolicy } from '../policy/policy';
import { assertUnderLimits, record } from '../ratelimit/limits';
import { LostRace } from '../store/conditions';
import { transactWrite } from '../store/transact';
import { prepareSession, type Tokens } from '../tokens/sessions';
import { addressFailureLimit, assertMaySignIn } from './login';
import { userStore } from './user-store';

const TOO_MANY = 'Too many failed sign-ins from your address; retry later';

/** Options for a passkey sign-in (no account named); an address over its failed sign-in budget gets none. */
export async function startPasskeySignIn(from: { sourceIp: string }) {
  const at = now();
  await assertUnderLimits([addressFailureLimit(from.sourceIp)], at, TOO_MANY);
  return issuePasskeyChallenge(at);
}

/** Signs in with a passkey assertion (the JSON of @simplewebauthn/browser's startAuthentication): full aal 2 tokens. */
export async function passkeySignIn(assertion: Parameters<typeof checkPasskeyAssertion>[0], from: Actor & { sourceIp: string }): Promise<Tokens> {
  const at = now();
  const limits = [addressFailureLimit(from.sourceIp)];
  await assertUnderLimits(limits, at, TOO_MANY);
  const refused = async () => {
    await record(limits, at);
    metrics.login('failed', 'passkey');
    return new Unauthenticated('The passkey was not accepted: request new options and try again, or sign in with your password', ErrorCode.invalidCredentials);
  };

  const proof = await checkPasskeyAssertion(assertion, at);
  if (!proof) throw await refused();
  const { account, credential } = proof;
  const { user } = account;
  assertMaySignIn(user);
  const policy = await getPolicy(user.orgId);
  if (!allowsPasswordless(policy)) {
    throw new Forbidden('Your organisation does not allow signing in with a passkey: sign in with your password', ErrorCode.passwordlessNotAllowed);
  }
  if (!credential.passkey) {
    throw new Forbidden('This key is registered as a second factor only: sign in with your password, or add it again as a passkey', ErrorCode.notAPasskey);
  }
  if (!proof.userVerified) {
    throw new Unauthenticated('Your authenticator did not verify you (no PIN or biometric): a passkey sign-in needs it', ErrorCode.userVerificationRequired);
  }

  const subject = { userId: user.userId, orgId: user.orgId, role: user.role };
  const session = await prepareSession(subject, { aal: 2, amr: ['hwk', 'user'] }, from);
  try {
    // One transaction: the session, the user still active (a deactivation committed since the read
    // stops it), the challenge consumed and the sign count moved (a replay, or a racing copy, loses),
    // and the audit event.
    await transactWrite([
      session.write,
      userStore.assertActive(user.userId),
      ...proof.writes,
      auditPut({
        orgId: user.orgId,
        action: 'login.passkey',
        actor: { ...from, subject },
        targetUserId: user.userId,
        details: { credential: credential.credentialId.slice(0, 16) },
        policySequence: policy.sequence,
      }),
    ]);
  } catch (error) {
    if (!(error instanceof LostRace) || !error.failed.length) throw error;
    if (error.lost(1)) throw new Forbidden('This account is deactivated: ask your organisation’s administrator', ErrorCode.accountDeactivated);
    throw await refused();
  }
  metrics.login('success', 'passkey', user.orgId);
  return session.tokens();
}
