/**
 * The self-service security page: sign in (password, then a second factor), see the account's second
 * factors, set up an authenticator app, add and remove security keys, make recovery codes, sign out.
 * Plain DOM, no framework. This entry module only wires the page's controls to the screens in views/;
 * api.ts talks to the server, state.ts keeps the tokens.
 */
import { whenSessionEnds } from './api';
import { el, markInvalid } from './dom';
import { state } from './state';
import { reportError } from './status';
import { showAccount } from './views/account';
import { submitPassword } from './views/login';
import { copyRecoveryCodes, doneWithRecoveryCodes, generateRecoveryCodes } from './views/recovery-codes';
import { showScreen } from './views/screens';
import { cancelLogin, sendSmsCode, submitCode, useSecurityKey } from './views/second-factor';
import { addSecurityKey } from './views/security-keys';
import { endSession, signOut } from './views/session';
import { cancelTotp, confirmTotp, startTotp } from './views/totp';

function start(): void {
  whenSessionEnds(endSession);
  el<HTMLFormElement>('login-form').addEventListener('submit', (e) => void submitPassword(e));
  el<HTMLFormElement>('code-form').addEventListener('submit', (e) => void submitCode(e));
  el('use-key').addEventListener('click', (e) => void useSecurityKey(e));
  el('send-sms').addEventListener('click', (e) => void sendSmsCode(e));
  el('cancel-login').addEventListener('click', cancelLogin);
  el('logout').addEventListener('click', (e) => void signOut(e));
  el('totp-start').addEventListener('click', (e) => void startTotp(e));
  el<HTMLFormElement>('totp-form').addEventListener('submit', (e) => void confirmTotp(e));
  el('totp-cancel').addEventListener('click', cancelTotp);
  el<HTMLFormElement>('key-form').addEventListener('submit', (e) => void addSecurityKey(e));
  el('recovery-generate').addEventListener('click', (e) => void generateRecoveryCodes(e));
  el('recovery-copy').addEventListener('click', () => void copyRecoveryCodes());
  el('recovery-done').addEventListener('click', doneWithRecoveryCodes);
  document.querySelectorAll('input').forEach((input) => input.addEventListener('input', () => markInvalid(input, false)));

  if (state.session) void showAccount({ focus: false }).catch(reportError);
  else showScreen('login', { focus: false });
  document.body.dataset.ready = 'true';
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
