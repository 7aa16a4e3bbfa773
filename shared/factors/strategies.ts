/** Every second factor, in the order a code is tried. Each satisfies SecondFactor at compile time. */
import type { SecondFactor } from './second-factor';
import { sms } from './sms';
import { totp } from './totp';

export const strategies: readonly SecondFactor[] = [totp, sms];
