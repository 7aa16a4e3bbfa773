/**
 * Every email the service sends, in each language it speaks. A message is a subject, paragraphs and
 * at most one action link; the plain-text and HTML bodies are both rendered from it (./render), so
 * the two never say different things. `{name}` placeholders are filled from the message's variables.
 */

export const LANGUAGES = ['en', 'da'] as const;
export type Language = (typeof LANGUAGES)[number];

export interface Template {
  subject: string;
  paragraphs: string[];
  /** A button in HTML, a bare link in text: the variable that holds the URL, and its label. */
  action?: { label: string; link: string };
}

/** The variables each kind of email needs. Dates are formatted for the reader's language. */
export interface MailVariables {
  invitation: { org: string; link: string; expiresAt: Date };
  'password-reset': { link: string; expiresAt: Date };
  'email-change': { link: string; expiresAt: Date; email: string };
  /** A sign-in code of the email factor (login or a step-up). */
  'email-code': { code: string; minutes: string };
  /** A code that confirms an address as the user's email factor. */
  'email-code-enrolment': { code: string; minutes: string };
  'password-changed': SecurityNoticeVariables;
  'factor-added': SecurityNoticeVariables & { method: string };
  'factor-removed': SecurityNoticeVariables & { method: string };
  'two-factor-disabled': SecurityNoticeVariables;
  'recovery-codes-generated': SecurityNoticeVariables;
  'recovery-code-used': SecurityNoticeVariables;
  'two-factor-reset': SecurityNoticeVariables;
  'password-was-reset': SecurityNoticeVariables;
  'impersonated': SecurityNoticeVariables;
  'new-device-sign-in': SecurityNoticeVariables;
}

/**
 * What every security notice says besides what happened: when (readable in the reader's language,
 * and as UTC), from where (address and device in a few words), and the page to go to if it was not them.
 */
export interface SecurityNoticeVariables {
  at: Date;
  /** `2026-11-30 07:30:00 UTC`: the exact time, the same in every language. */
  atUtc: string;
  where: string;
  link: string;
}

/** The security notices (shared/identity/security-notifications.ts sends them). */
export type SecurityNoticeKind = {
  [K in MailKind]: MailVariables[K] extends SecurityNoticeVariables ? K : never;
}[MailKind];

/** A second factor's name in a notice. */
export const METHOD_NAMES: Record<Language, Record<string, string>> = {
  en: { totp: 'authenticator app', sms: 'text message (SMS) codes', webauthn: 'security key or passkey', email: 'email codes', recovery: 'recovery codes' },
  da: { totp: 'godkendelsesapp', sms: 'sms-koder', webauthn: 'sikkerhedsnøgle eller adgangsnøgle', email: 'e-mailkoder', recovery: 'gendannelseskoder' },
};

/** A security notice: what happened (subject, first paragraph), then when, where and what to do. */
const notice = (language: Language, subject: string, what: string): Template =>
  language === 'da'
    ? {
        subject,
        paragraphs: [
          what,
          'Tidspunkt: {at} ({atUtc}). Fra: {where}.',
          'Var det dig, skal du ikke gøre noget. Var det ikke dig, så log ind nu, skift din adgangskode, fjern ekstra faktorer du ikke kender, og giv din administrator besked.',
        ],
        action: { label: 'Se dine sikkerhedsindstillinger', link: 'link' },
      }
    : {
        subject,
        paragraphs: [
          what,
          'When: {at} ({atUtc}). From: {where}.',
          'If this was you, there is nothing to do. If it was not, sign in now, change your password, remove any second factor you do not recognise, and tell your administrator.',
        ],
        action: { label: 'Review your security settings', link: 'link' },
      };

export type MailKind = keyof MailVariables;

const templates: { [K in MailKind]: Record<Language, Template> } = {
  invitation: {
    en: {
      subject: 'You are invited to {org} on {app}',
      paragraphs: [
        'An administrator of {org} has created an account for you on {app}.',
        'Choose your password with the link below. The link works once and until {expiresAt}.',
        'If you did not expect this invitation, ignore this email: nothing happens without you.',
      ],
      action: { label: 'Set your password', link: 'link' },
    },
    da: {
      subject: 'Du er inviteret til {org} på {app}',
      paragraphs: [
        'En administrator i {org} har oprettet en konto til dig på {app}.',
        'Vælg din adgangskode via linket nedenfor. Linket virker én gang og indtil {expiresAt}.',
        'Hvis du ikke ventede denne invitation, kan du se bort fra mailen: intet sker uden dig.',
      ],
      action: { label: 'Vælg din adgangskode', link: 'link' },
    },
  },
  'password-reset': {
    en: {
      subject: 'Reset your {app} password',
      paragraphs: [
        'Someone asked to reset the password of your {app} account.',
        'If it was you, use the link below; it works once and until {expiresAt}. If your account has a second factor, you will be asked for it.',
        'If it was not you, ignore this email: your password stays as it is.',
      ],
      action: { label: 'Reset your password', link: 'link' },
    },
    da: {
      subject: 'Nulstil din adgangskode til {app}',
      paragraphs: [
        'Nogen har bedt om at nulstille adgangskoden til din konto på {app}.',
        'Hvis det var dig, så brug linket nedenfor; det virker én gang og indtil {expiresAt}. Har din konto en ekstra faktor, bliver du bedt om den.',
        'Hvis det ikke var dig, kan du se bort fra mailen: din adgangskode forbliver uændret.',
      ],
      action: { label: 'Nulstil din adgangskode', link: 'link' },
    },
  },
  'email-change': {
    en: {
      subject: 'Confirm your new email address for {app}',
      paragraphs: [
        'Your {app} account is to use {email} from now on.',
        'Confirm it with the link below; it works once and until {expiresAt}. Until then your old address stays in use.',
        'If you did not ask for this, ignore this email.',
      ],
      action: { label: 'Confirm this address', link: 'link' },
    },
    da: {
      subject: 'Bekræft din nye e-mailadresse til {app}',
      paragraphs: [
        'Din konto på {app} skal fremover bruge {email}.',
        'Bekræft det via linket nedenfor; det virker én gang og indtil {expiresAt}. Indtil da bruges din gamle adresse.',
        'Hvis du ikke har bedt om dette, kan du se bort fra mailen.',
      ],
      action: { label: 'Bekræft adressen', link: 'link' },
    },
  },
  'password-changed': {
    en: notice('en', 'Your {app} password was changed', 'The password of your {app} account was changed.'),
    da: notice('da', 'Din adgangskode til {app} er ændret', 'Adgangskoden til din konto på {app} blev ændret.'),
  },
  'factor-added': {
    en: notice('en', 'A second factor was added to your {app} account', 'A second factor ({method}) was added to your {app} account.'),
    da: notice('da', 'En ekstra faktor er tilføjet din konto på {app}', 'En ekstra faktor ({method}) blev tilføjet din konto på {app}.'),
  },
  'factor-removed': {
    en: notice('en', 'A second factor was removed from your {app} account', 'A second factor ({method}) was removed from your {app} account.'),
    da: notice('da', 'En ekstra faktor er fjernet fra din konto på {app}', 'En ekstra faktor ({method}) blev fjernet fra din konto på {app}.'),
  },
  'two-factor-disabled': {
    en: notice('en', 'Two-factor authentication was turned off for your {app} account', 'Two-factor authentication was turned off for your {app} account: every second factor was removed, and your password alone now signs you in.'),
    da: notice('da', 'Totrinsbekræftelse er slået fra på din konto på {app}', 'Totrinsbekræftelse blev slået fra på din konto på {app}: alle ekstra faktorer blev fjernet, og din adgangskode alene logger dig nu ind.'),
  },
  'recovery-codes-generated': {
    en: notice('en', 'New recovery codes for your {app} account', 'New recovery codes were created for your {app} account. The previous codes no longer work.'),
    da: notice('da', 'Nye gendannelseskoder til din konto på {app}', 'Der blev oprettet nye gendannelseskoder til din konto på {app}. De tidligere koder virker ikke længere.'),
  },
  'recovery-code-used': {
    en: notice('en', 'A recovery code was used to sign in to {app}', 'One of your recovery codes was used to sign in to your {app} account. Each code works once.'),
    da: notice('da', 'En gendannelseskode blev brugt til at logge ind på {app}', 'En af dine gendannelseskoder blev brugt til at logge ind på din konto på {app}. Hver kode virker én gang.'),
  },
  'two-factor-reset': {
    en: notice('en', 'An administrator reset two-factor authentication on your {app} account', 'An administrator removed every second factor from your {app} account. Set one up again the next time you sign in.'),
    da: notice('da', 'En administrator har nulstillet totrinsbekræftelse på din konto på {app}', 'En administrator fjernede alle ekstra faktorer fra din konto på {app}. Opsæt en igen, næste gang du logger ind.'),
  },
  'password-was-reset': {
    en: notice('en', 'Your {app} password was reset', 'The password of your {app} account was reset with a reset link, and every session was signed out.'),
    da: notice('da', 'Din adgangskode til {app} er nulstillet', 'Adgangskoden til din konto på {app} blev nulstillet via et nulstillingslink, og alle sessioner blev logget ud.'),
  },
  impersonated: {
    en: notice('en', 'Support signed in to your {app} account', 'A member of the {app} support staff signed in to your account as you (to help with a request; everything they do is recorded).'),
    da: notice('da', 'Support loggede ind på din konto på {app}', 'En medarbejder fra supporten hos {app} loggede ind på din konto som dig (for at hjælpe med en henvendelse; alt, hvad de gør, bliver registreret).'),
  },
  'new-device-sign-in': {
    en: notice('en', 'New sign-in to your {app} account', 'Your {app} account was signed in to from a device it had not seen, and the device will be remembered.'),
    da: notice('da', 'Nyt login på din konto på {app}', 'Der blev logget ind på din konto på {app} fra en enhed, den ikke kendte, og enheden bliver husket.'),
  },
  'email-code': {
    en: {
      subject: 'Your {app} sign-in code',
      paragraphs: [
        'Your {app} sign-in code is {code}. It expires in {minutes} minutes and works once.',
        'If you are not signing in right now, someone knows your password: do not share this code, change your password, and tell your administrator.',
      ],
    },
    da: {
      subject: 'Din kode til at logge ind på {app}',
      paragraphs: [
        'Din kode til at logge ind på {app} er {code}. Den udløber om {minutes} minutter og virker én gang.',
        'Hvis du ikke er ved at logge ind lige nu, kender nogen din adgangskode: del ikke koden, skift din adgangskode, og giv din administrator besked.',
      ],
    },
  },
  'email-code-enrolment': {
    en: {
      subject: 'Confirm this address for {app} sign-in codes',
      paragraphs: [
        'Enter {code} to receive your {app} sign-in codes at this address. The code expires in {minutes} minutes and works once.',
        'If you did not ask for this, ignore this email: nothing changes without the code.',
      ],
    },
    da: {
      subject: 'Bekræft denne adresse til koder fra {app}',
      paragraphs: [
        'Indtast {code} for at modtage dine koder til at logge ind på {app} på denne adresse. Koden udløber om {minutes} minutter og virker én gang.',
        'Hvis du ikke har bedt om dette, kan du se bort fra mailen: intet ændres uden koden.',
      ],
    },
  },
};

export const templateOf = (kind: MailKind, language: Language): Template => templates[kind][language];
