/**
 * Authenticator-app codes (RFC 6238): 6 digits, 30 s steps, one step of drift either way; a code
 * (time step) is accepted once per user, enforced by the race gate on the second-factor state.
 */
import { verify } from 'otplib';
import { factorOfKind } from '../account';
import type { SecondFactor } from '../second-factor';
import { openTotpSecret } from './secret';

const PERIOD = 30;
/** RFC 6238 §5.2: accept the previous and the next step for clock drift. */
const DRIFT_SECONDS = PERIOD;

/** The time step the code belongs to, if it is valid now (± one step) and newer than `afterStep`. */
export async function matchTotpCode(
  secret: string,
  code: string,
  at: Date,
  afterStep?: number,
  digits: 6 | 8 = 6,
): Promise<number | undefined> {
  if (code.length !== digits || !/^\d+$/.test(code)) return undefined;
  const epoch = Math.floor(at.getTime() / 1000);
  const result = await verify({
    secret,
    token: code,
    epoch,
    digits,
    epochTolerance: DRIFT_SECONDS,
    ...(afterStep !== undefined && afterStep < Math.floor(epoch / PERIOD) + 1 && { afterTimeStep: afterStep }),
  });
  return result.valid && 'timeStep' in result ? result.timeStep : undefined;
}

export const totp = {
  kind: 'totp',
  amr: 'otp',
  accepts: (proof) => typeof proof.code === 'string' && /^\d{6}$/.test(proof.code),
  async check(account, proof, at, { includeUnverified }) {
    const factor = factorOfKind(account, 'totp');
    if (!factor || (!factor.verified && !includeUnverified)) return undefined;
    const secret = await openTotpSecret(factor);
    if (!secret) return undefined;
    const step = await matchTotpCode(secret, proof.code!, at, account.mfa.lastTotpStep);
    if (step === undefined) return undefined;
    // RFC 6238 §5.2: a code (time step) is accepted once; the step only moves forward.
    return { kind: 'totp', amr: 'otp', advance: { totpStep: step } };
  },
} satisfies SecondFactor<'totp'>;
