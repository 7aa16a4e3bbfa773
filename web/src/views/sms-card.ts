/**
 * The SMS card of the account screen as the settings show it: the phone (masked), whether it is
 * confirmed, which buttons apply, and the country calling codes the org allows. The actions are in
 * sms.ts.
 */
import type * as api from '../api';
import { el, show } from '../dom';
import { state } from '../state';

type Settings = Awaited<ReturnType<typeof api.twoFactorSettings>>;

const countryInput = () => el<HTMLInputElement>('sms-country');

/** The phone as the settings show it (masked): "+45 ******23". */
const phoneOf = (s: Settings) => (s.phone ? `+${s.phone_prefix ?? ''} ${s.phone}` : '');

/** Shows the SMS card for these settings (null: they could not be read, so nothing is offered). */
export function renderSms(s: Settings | null): void {
  const section = el('sms-section');
  const allowed = s?.allowed_methods.includes('sms') ?? false;
  const phone = s?.phone ? phoneOf(s) : '';
  const verified = Boolean(phone) && (s?.methods.includes('sms') ?? false);
  show(section, allowed || Boolean(phone));
  if (!s) return;
  el('sms-state').textContent = !phone
    ? 'Get sign-in codes by text message. An authenticator app or a security key is safer: use text messages where you have neither.'
    : verified
      ? `Sign-in codes are texted to ${phone}.`
      : `You started adding ${phone} but have not confirmed it yet.`;
  el('sms-start').textContent = phone ? 'Use a different phone' : 'Add a phone (text messages)';
  show(el('sms-start'), allowed);
  show(el('sms-finish'), allowed && Boolean(phone) && !verified);
  // Removing needs a full session (the route refuses a pending token).
  show(el('sms-remove'), Boolean(phone) && state.session !== null);
  // While a form is open its own buttons are the choices.
  show(el('sms-actions'), el('sms-phone-form').hidden && el('sms-code-form').hidden);
  showCountryHint(s.sms_country_codes);
}

/** Opens one of the card's forms ('phone' or 'code'), or closes both (null). */
export function openSmsForm(form: 'phone' | 'code' | null): void {
  show(el('sms-phone-form'), form === 'phone');
  show(el('sms-code-form'), form === 'code');
  show(el('sms-actions'), form === null);
}

/** The country codes SMS may go to, where the org or deployment restricts them: a hint, a list, and the only choice filled in. */
function showCountryHint(codes: string[] | null): void {
  el('sms-country-help').textContent = codes?.length
    ? `Text messages can go to numbers with ${codes.length === 1 ? 'the country calling code' : 'these country calling codes'}: ${codes.map((c) => `+${c}`).join(', ')}.`
    : 'For example +45 for Denmark or +44 for the United Kingdom.';
  el('sms-country-list').replaceChildren(
    ...(codes ?? []).map((code) => Object.assign(document.createElement('option'), { value: `+${code}` })),
  );
  if (codes?.length === 1 && !countryInput().value) countryInput().value = `+${codes[0]}`;
}
