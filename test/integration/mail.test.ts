import { languageOf } from '../../shared/mail/language';
import { sendMail } from '../../shared/mail/send';
import { testClock } from '../support/clock';
import { emailsTo, lastEmail } from '../support/email';
import { uniqueEmail } from '../support/fixtures';

let clock: ReturnType<typeof testClock>;
beforeEach(() => {
  clock = testClock();
});
afterEach(() => clock.restore());

const orgId = () => 900_000 + Math.floor(Math.random() * 90_000);
const expiresAt = new Date('2026-12-07T10:30:00Z');

describe('mail', () => {
  it('renders the same message as text and HTML, in the reader’s language', async () => {
    const to = uniqueEmail('invitee');
    await sendMail('invitation', { to, orgId: orgId(), language: 'da', vars: { org: 'Acme', link: 'http://localhost:3000/?invitation=abc', expiresAt } });
    const mail = (await lastEmail(to))!;
    expect(mail.subject).toBe('Du er inviteret til Acme på TwoFactor');
    expect(mail.text).toContain('Vælg din adgangskode: http://localhost:3000/?invitation=abc');
    expect(mail.text).toContain('7. december 2026');
    expect(mail.html).toContain('<html lang="da">');
    expect(mail.html).toContain('href="http://localhost:3000/?invitation=abc"');
  });

  it('escapes variables in HTML and refuses a link that is not http(s)', async () => {
    const to = uniqueEmail('invitee');
    await sendMail('invitation', { to, orgId: orgId(), vars: { org: '<script>alert(1)</script>', link: 'http://localhost:3000/?invitation=x', expiresAt } });
    const mail = (await lastEmail(to))!;
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    await expect(
      sendMail('password-reset', { to, orgId: orgId(), vars: { link: 'javascript:alert(1)', expiresAt } }),
    ).rejects.toThrow(/http\(s\) URL/);
  });

  it('stops at the per-recipient limit with 429, and sends nothing then', async () => {
    const to = uniqueEmail('flooded');
    const org = orgId();
    for (let i = 0; i < 5; i++) await sendMail('password-reset', { to, orgId: org, vars: { link: 'http://localhost/?reset=1', expiresAt } });
    await expect(sendMail('password-reset', { to, orgId: org, vars: { link: 'http://localhost/?reset=1', expiresAt } })).rejects.toMatchObject({
      status: 429,
      headers: { 'Retry-After': expect.any(String) },
    });
    expect(await emailsTo(to)).toHaveLength(5);
    clock.advance(3600);
    await sendMail('password-reset', { to: to.toUpperCase(), orgId: org, vars: { link: 'http://localhost/?reset=1', expiresAt } });
    expect(await emailsTo(to)).toHaveLength(6);
  });

  it.each([
    [undefined, 'en'],
    ['da-DK,da;q=0.9,en;q=0.8', 'da'],
    ['en;q=0.5, da;q=0.9', 'da'],
    ['fr-FR,fr;q=0.9', 'en'],
    ['__proto__', 'en'],
    ['*', 'en'],
  ])('picks the language of Accept-Language %p: %s', (header, language) => {
    expect(languageOf(header)).toBe(language);
  });
});
