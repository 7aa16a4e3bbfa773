/**
 * Changing the password from the account (the server signs out the other sessions), with a code
 * from the second factor when the session's is not recent.
 */
import * as api from '../api';
import { el, focus, markInvalid, show } from '../dom';
import { busy, refusedPassword, setStatus } from '../status';
import { renderSessions } from './sessions';

export async function changePassword(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const current = el<HTMLInputElement>('password-current');
  const next = el<HTMLInputElement>('password-new');
  markInvalid(current, !current.value);
  markInvalid(next, !next.value);
  if (!current.value || !next.value) {
    setStatus('Enter your current password and a new one.', 'error');
    focus(current.value ? next : current);
    return;
  }
  const codeField = el('password-code-field');
  const code = el<HTMLInputElement>('password-code');
  await busy(event.submitter as HTMLButtonElement | null, async () => {
    setStatus('Changing your password…');
    try {
      const proof = code.value.replace(/\s+/g, '');
      await api.changePassword({ currentPassword: current.value, newPassword: next.value, ...(proof && { code: proof }) });
    } catch (error) {
      if (error instanceof api.ApiError && error.code === 'recent_auth_required' && codeField.hidden) {
        // The session's second factor is not recent: a code in the same form proves it now.
        show(codeField);
        setStatus('Confirm it’s you: enter a code from your second factor, then change the password again.', 'error');
        focus(code);
        return;
      }
      refusedPassword(current, error, ['invalid_credentials']);
      refusedPassword(code, error, ['invalid_code', 'recent_auth_required']);
      throw refusedPassword(next, error);
    }
    el<HTMLFormElement>('password-form').reset();
    show(codeField, false);
    renderSessions(await api.sessions());
    setStatus('Your password is changed, and your other sessions are signed out.', 'success');
    focus(el('password-heading'));
  });
}
