/** The links the service emails (issue 14): `/?invitation=`, `/?reset=` and `/?verify-email=`, each with a token. */
import { openInvitation } from './invitation';
import { openReset } from './password-reset';
import { openVerifyEmail } from './verify-email';

const LINKS = { invitation: openInvitation, reset: openReset, 'verify-email': openVerifyEmail } as const;

/**
 * Opens the screen of the link in the address bar, if any; answers whether there was one. The token
 * leaves the address first, so it stays out of the history and off a screen someone may glance at.
 */
export function openLinkInAddress(): boolean {
  const params = new URLSearchParams(location.search);
  const kind = (Object.keys(LINKS) as Array<keyof typeof LINKS>).find((name) => params.has(name));
  if (!kind) return false;
  history.replaceState(null, '', location.pathname);
  LINKS[kind](params.get(kind) ?? '');
  return true;
}
