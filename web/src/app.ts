/**
 * The self-service security page: sign in (password, then a second factor), see the account's second
 * factors, set up an authenticator app or codes by email, add and remove security keys, passkeys and
 * a phone for text messages, make recovery codes, change the password, see and end sessions and
 * remembered devices, sign out; and the emailed links: accept an invitation, reset a forgotten
 * password (then the second factor), confirm a new email address.
 * Plain DOM, no framework. This entry module only wires the page's controls to the screens in views/;
 * api.ts talks to the server, state.ts keeps the tokens.
 */
import { whenSessionEnds } from './api';
import { el, markInvalid } from './dom';
import { state } from './state';
import { clearStatus, reportError } from './status';
import { showAccount } from './views/account';
import { cancelEmailCodes, confirmEmailCodes, sendLoginEmailCode, startEmailCodes } from './views/email-codes';
import { backFromLink } from './views/back';
import { acceptInvitation } from './views/invitation';
import { openLinkInAddress } from './views/links';
import { submitPassword } from './views/login';
import { changePassword } from './views/password';
import { requestResetLink, startForgotPassword, submitNewPassword } from './views/password-reset';
import { copyRecoveryCodes, doneWithRecoveryCodes, generateRecoveryCodes } from './views/recovery-codes';
import { showScreen } from './views/screens';
import { cancelLogin, sendSmsCode, submitCode, useSecurityKey } from './views/second-factor';
import { offerPasskeyAutofill, signInWithPasskey } from './views/passkey-sign-in';
import { addPasskey, addSecurityKey } from './views/security-keys';
import { endSession, signOut } from './views/session';
import { endOtherSessions } from './views/sessions';
import { cancelSms, confirmSmsCode, removeSms, resendSmsCode, startSms, submitPhone } from './views/sms';
import { cancelTotp, confirmTotp, startTotp } from './views/totp';
import { confirmEmail } from './views/verify-email';

function leaveLinkScreen(): void {
  clearStatus();
  void backFromLink().catch(reportError);
}

function start(): void {
  whenSessionEnds(endSession);
  el<HTMLFormElement>('login-form').addEventListener('submit', (e) => void submitPassword(e));
  el<HTMLFormElement>('code-form').addEventListener('submit', (e) => void submitCode(e));
  el('use-key').addEventListener('click', (e) => void useSecurityKey(e));
  el('login-passkey').addEventListener('click', (e) => void signInWithPasskey(e));
  el('send-sms').addEventListener('click', (e) => void sendSmsCode(e));
  el('send-email-code').addEventListener('click', (e) => void sendLoginEmailCode(e));
  el<HTMLFormElement>('email-code-form').addEventListener('submit', (e) => void startEmailCodes(e));
  el<HTMLFormElement>('email-code-verify-form').addEventListener('submit', (e) => void confirmEmailCodes(e));
  el('email-code-cancel').addEventListener('click', cancelEmailCodes);
  el('cancel-login').addEventListener('click', cancelLogin);
  el('logout').addEventListener('click', (e) => void signOut(e));
  el('totp-start').addEventListener('click', (e) => void startTotp(e));
  el<HTMLFormElement>('totp-form').addEventListener('submit', (e) => void confirmTotp(e));
  el('totp-cancel').addEventListener('click', cancelTotp);
  el<HTMLFormElement>('key-form').addEventListener('submit', (e) => void addSecurityKey(e));
  el('key-add-passkey').addEventListener('click', (e) => void addPasskey(e));
  el('sms-start').addEventListener('click', startSms);
  el<HTMLFormElement>('sms-phone-form').addEventListener('submit', (e) => void submitPhone(e));
  el<HTMLFormElement>('sms-code-form').addEventListener('submit', (e) => void confirmSmsCode(e));
  el('sms-finish').addEventListener('click', (e) => void resendSmsCode(e));
  el('sms-resend').addEventListener('click', (e) => void resendSmsCode(e));
  el('sms-remove').addEventListener('click', (e) => void removeSms(e));
  document.querySelectorAll('[data-sms-cancel]').forEach((button) => button.addEventListener('click', cancelSms));
  el('recovery-generate').addEventListener('click', (e) => void generateRecoveryCodes(e));
  el('recovery-copy').addEventListener('click', () => void copyRecoveryCodes());
  el('recovery-done').addEventListener('click', doneWithRecoveryCodes);
  el('forgot-start').addEventListener('click', startForgotPassword);
  el<HTMLFormElement>('forgot-form').addEventListener('submit', (e) => void requestResetLink(e));
  el<HTMLFormElement>('reset-form').addEventListener('submit', (e) => void submitNewPassword(e));
  el<HTMLFormElement>('invitation-form').addEventListener('submit', (e) => void acceptInvitation(e));
  el('verify-email-confirm').addEventListener('click', (e) => void confirmEmail(e));
  document.querySelectorAll('[data-back-to-login]').forEach((button) => button.addEventListener('click', leaveLinkScreen));
  el<HTMLFormElement>('password-form').addEventListener('submit', (e) => void changePassword(e));
  el('sessions-end-others').addEventListener('click', (e) => void endOtherSessions(e));
  document.querySelectorAll('input').forEach((input) => input.addEventListener('input', () => markInvalid(input, false)));

  // An emailed link's screen shows whether or not this tab is signed in.
  if (!openLinkInAddress()) {
    if (state.session) void showAccount({ focus: false }).catch(reportError);
    else {
      showScreen('login', { focus: false });
      void offerPasskeyAutofill();
    }
  }
  document.body.dataset.ready = 'true';
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
