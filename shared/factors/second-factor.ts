/**
 * The strategy every second factor satisfies. A strategy only says whether a proof matches and
 * what consuming it writes; the dispatcher (authenticate.ts) enforces lockout, policy and the
 * single-use race gate once for all of them.
 */
import type { TransactItem } from '../store/transact';
import type { Amr } from '../tokens/jwt';
import type { Account, FactorKind } from './account';
import type { Advance } from './mfa-store';

export type { TransactItem };

export interface Proof {
  code?: string;
  /** A WebAuthn authentication response (from @simplewebauthn/browser). */
  webauthn?: unknown;
}

export interface Match {
  kind: FactorKind;
  amr: Amr;
  /** What the success moves forward on the user's second-factor state (e.g. the TOTP step). */
  advance?: Advance;
  /** Writes that consume the proof, each conditional: of two racing requests one wins. */
  writes?: TransactItem[];
  /** Facts for the audit event (never the proof itself). */
  details?: Record<string, string | number | boolean>;
}

export interface SecondFactor<K extends FactorKind = FactorKind> {
  kind: K;
  amr: Amr;
  /** Whether this proof is for this factor at all (a 6-digit code is not a recovery code). */
  accepts(proof: Proof): boolean;
  check(account: Account, proof: Proof, at: Date, options: { includeUnverified?: boolean }): Promise<Match | undefined>;
}
