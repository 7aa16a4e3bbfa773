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
  'password-changed': { at: Date };
  /** A sign-in code of the email factor (login or a step-up). */
  'email-code': { code: string; minutes: string };
  /** A code that confirms an address as the user's email factor. */
  'email-code-enrolment': { code: string; minutes: string };
}

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
    en: {
      subject: 'Your {app} password was changed',
      paragraphs: [
        'The password of your {app} account was changed on {at}.',
        'If this was not you, reset your password now and tell your administrator.',
      ],
    },
    da: {
      subject: 'Din adgangskode til {app} er ændret',
      paragraphs: [
        'Adgangskoden til din konto på {app} blev ændret {at}.',
        'Hvis det ikke var dig, så nulstil din adgangskode nu og giv din administrator besked.',
      ],
    },
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
