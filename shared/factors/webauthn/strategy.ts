/**
 * A security key or passkey as a second factor: an assertion over the pending authentication
 * challenge by one of this user's credentials. Consuming it deletes the challenge and moves the
 * sign count forward; a count that does not move forward (a cloned authenticator) is refused.
 */
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { epochSeconds } from '../../store/conditions';
import type { SecondFactor } from '../second-factor';
import { credentialsOf, liveChallenge, verifyAssertion } from './ceremony';
import * as webauthnStore from './store';

export const webauthn = {
  kind: 'webauthn',
  amr: 'hwk',
  accepts: (proof) => proof.webauthn !== undefined,
  async check(account, proof, at) {
    const assertion = proof.webauthn as AuthenticationResponseJSON;
    // Only this user's credentials: another user's key is simply unknown here.
    const credential = credentialsOf(account).find((c) => typeof assertion?.id === 'string' && c.credentialId === assertion.id);
    const stored = liveChallenge(account, 'authentication', at);
    if (!credential || !stored) return undefined;
    const shown = await verifyAssertion(credential, assertion, stored.challenge);
    if (!shown) return undefined;
    return {
      kind: 'webauthn',
      amr: 'hwk',
      details: { credential: credential.credentialId.slice(0, 16) },
      writes: [
        webauthnStore.consumeChallenge(account.user.userId, 'authentication', stored.challenge, epochSeconds(at)),
        webauthnStore.advanceCounter(credential, shown.newCounter, at),
      ],
    };
  },
} satisfies SecondFactor<'webauthn'>;
