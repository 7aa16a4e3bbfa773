import { checkNewPassword, MAX_LENGTH } from '../../shared/identity/password-rules';

const withFactor = { passwordOnly: false, email: 'ada.lovelace@example.com' };
const only = { passwordOnly: true, email: 'ada.lovelace@example.com' };

async function refusal(password: string, context = withFactor): Promise<string | undefined> {
  try {
    await checkNewPassword(password, context);
    return undefined;
  } catch (error) {
    expect((error as { code: string }).code).toBe('weak_password');
    expect((error as { status: number }).status).toBe(400);
    return (error as Error).message;
  }
}

describe('new password rules (NIST SP 800-63B-4)', () => {
  it.each([
    ['7 characters', 'k7#pQz!', /at least 8/],
    ['a common password', 'password1', /most common/],
    ['a common password in other case', 'PassWord1', /most common/],
    ['the email', 'ada.lovelace@example.com', /email address/],
    ['the email local part and a little', 'Ada.Lovelace1985', /email address/],
    ['one repeated character', 'zzzzzzzzzzzz', /single character/],
    ['too long', 'x'.repeat(MAX_LENGTH) + 'y', /at most 256/],
  ])('refuses %s', async (_, password, message) => {
    expect(await refusal(password)).toMatch(message);
  });

  it('asks for 15 characters where the password is the only factor', async () => {
    expect(await refusal('correct horse b', withFactor)).toBeUndefined();
    expect(await refusal('kettle-violin', only)).toMatch(/at least 15.*only factor/);
    expect(await refusal('kettle-violin-umbrella', only)).toBeUndefined();
  });

  it('has no composition rules and counts code points after normalisation', async () => {
    expect(await refusal('allsmallletters')).toBeUndefined();
    // 8 code points, each 2-4 UTF-16 units or combining sequences once normalised.
    expect(await refusal('😀😃😄😁😆😅😂🤣')).toBeUndefined();
    expect(await refusal('e\u0301e\u0301e\u0301e\u0301x')).toMatch(/at least 8/); // 5 characters after NFKC
  });

  it('accepts long passphrases with spaces and any Unicode', async () => {
    expect(await refusal('the quick brown fox jumps over the lazy dog, twice, in Ærø')).toBeUndefined();
  });
});
