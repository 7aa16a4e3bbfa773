/**
 * Every second factor, in the order a proof is tried. A factor is a folder with its strategy; adding
 * one is a line here. The type refuses a registry that misses a kind or files a strategy under
 * another kind's name.
 */
import type { FactorKind } from './account';
import { email } from './email/strategy';
import { recovery } from './recovery/strategy';
import type { SecondFactor } from './second-factor';
import { sms } from './sms/strategy';
import { totp } from './totp/strategy';
import { webauthn } from './webauthn/strategy';

const registry = {
  totp,
  sms,
  recovery,
  webauthn,
  email,
} satisfies { [K in FactorKind]: SecondFactor<K> };

// Pure: a bundle whose route never proves a factor drops the strategies (and what they load).
export const strategies: readonly SecondFactor[] = /* @__PURE__ */ Object.values(registry);
