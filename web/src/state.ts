/**
 * What the page remembers between screens: the session's tokens, a login (or a password reset)
 * waiting for its second factor, and the account's recovery code count. Tokens live in memory and
 * in sessionStorage (this tab only, so a reload stays signed in and nothing outlives the tab).
 */

const STORE_KEY = 'twofactor.session';

export interface Session {
  accessToken: string;
  refreshToken: string;
}

/** A password accepted, the second factor still to come. */
export interface PendingLogin {
  token: string;
  methods: string[];
  /** Forced 2FA, nothing enrolled yet: the pending token may enrol a factor, which signs the user in. */
  setupRequired: boolean;
  /** 'reset': the second factor sets the new password from a reset link (and may not sign in). */
  purpose: 'login' | 'reset';
  /** The days the org lets this device be remembered (the checkbox), when it does. */
  rememberDeviceDays?: number;
}

let session: Session | null = readSession();

export const state = {
  /** Replaced only through saveSession, which keeps the stored copy in step. */
  get session(): Session | null {
    return session;
  },
  pending: null as PendingLogin | null,
  /** Recovery codes left, as last read or generated. */
  recoveryRemaining: 0,
};

function readSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(STORE_KEY);
    const value = raw ? (JSON.parse(raw) as Partial<Session>) : null;
    return value?.accessToken && value.refreshToken ? { accessToken: value.accessToken, refreshToken: value.refreshToken } : null;
  } catch {
    return null;
  }
}

/** Replaces the session (null: signed out), in memory and in this tab's storage. */
export function saveSession(next: Session | null): void {
  session = next;
  try {
    if (next) sessionStorage.setItem(STORE_KEY, JSON.stringify(next));
    else sessionStorage.removeItem(STORE_KEY);
  } catch {
    // Storage unavailable (private mode): memory only.
  }
}
