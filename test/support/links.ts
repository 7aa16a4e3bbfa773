/** The invitation and reset links a test's mailbox (the email outbox) received. */
import { lastLink } from './email';
import { invoke } from './invoke';

/** The token of the last link of this kind sent to the address (`?invitation=` or `?reset=`). */
export async function linkToken(email: string, kind: 'invitation' | 'reset'): Promise<string> {
  const url = await lastLink(email, 'http', kind);
  const token = url?.searchParams.get(kind);
  if (!token) throw new Error(`no ${kind} link was emailed to ${email}`);
  return token;
}

/** An admin invites a new user; answers the user and the invitation token from the email. */
export async function invite(adminToken: string, email: string, role: 'member' | 'admin' = 'member') {
  const response = await invoke('POST /api/users', { token: adminToken, body: { email, role } });
  if (response.status !== 201) throw new Error(`invite failed: ${response.status} ${JSON.stringify(response.body)}`);
  return { user: response.body.user as { userId: number; orgId: number; email: string }, token: await linkToken(email, 'invitation') };
}

/** Asks for a reset link; answers its token from the email. */
export async function forgot(email: string): Promise<string> {
  const response = await invoke('POST /api/auth/password/forgot', { body: { email } });
  if (response.status !== 202) throw new Error(`forgot failed: ${response.status} ${JSON.stringify(response.body)}`);
  return linkToken(email, 'reset');
}
