/** Accepting an invitation (from `/?invitation=<token>`): the new user chooses a password and is signed in. */
import * as api from '../api';
import { submitLinkPassword } from './link-password';
import { passwordAccepted } from './login';
import { showScreen } from './screens';

/** The link's token; it stays only as long as the page. */
let token = '';

export function openInvitation(linkToken: string): void {
  token = linkToken;
  showScreen('invitation', { focus: false });
}

export async function acceptInvitation(event: SubmitEvent): Promise<void> {
  const form = { input: 'invitation-password', empty: 'Choose a password.', sending: 'Setting your password…' };
  await submitLinkPassword(event, form, (password) => api.acceptInvitation({ token, password }), async (answer) => {
    token = '';
    await passwordAccepted(answer);
  });
}
