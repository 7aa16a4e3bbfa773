/** Every second factor, in the order a proof is tried. Each satisfies SecondFactor at compile time. */
import { recovery } from './recovery';
import type { SecondFactor } from './second-factor';
import { sms } from './sms';
import { totp } from './totp';
import { webauthn } from './webauthn';

export const strategies: readonly SecondFactor[] = [totp, sms, recovery, webauthn];
