/**
 * The user handle a credential is created with, which a passkey's assertion returns: `user-<id>`,
 * the user id, never the email. A passkey imported from another deployment returns that
 * deployment's handle instead (its credential keeps it: store.ts `userHandle`).
 */
const PREFIX = 'user-';

/** Ours for a user, as registration options carry it. */
export const userHandleOf = (userId: number): Uint8Array<ArrayBuffer> => new TextEncoder().encode(`${PREFIX}${userId}`);

/** Ours for a user in base64url, as an assertion (and the export) carries it. */
export const userHandleText = (userId: number): string => Buffer.from(userHandleOf(userId)).toString('base64url');

/** The user a handle (base64url, as the assertion carries it) names, if it has our form. */
export function userIdOfHandle(userHandle: unknown): number | undefined {
  if (typeof userHandle !== 'string' || userHandle.length > 86) return undefined;
  const match = /^user-([1-9]\d{0,14})$/.exec(Buffer.from(userHandle, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : undefined;
}
