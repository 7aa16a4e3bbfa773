/** Configuration is validated at cold start: a bad value stops the function, naming the variable. */
import { loadConfig } from '../../shared/config';

describe('REFRESH_TOKEN_REUSE_INTERVAL', () => {
  it('defaults to 10 s and may be turned off with 0', () => {
    expect(loadConfig({}).REFRESH_TOKEN_REUSE_INTERVAL).toBe(10);
    expect(loadConfig({ REFRESH_TOKEN_REUSE_INTERVAL: '0' }).REFRESH_TOKEN_REUSE_INTERVAL).toBe(0);
  });

  it.each(['-1', '61', '2.5', 'soon'])('refuses %j, naming the variable', (value) => {
    expect(() => loadConfig({ REFRESH_TOKEN_REUSE_INTERVAL: value })).toThrow(/REFRESH_TOKEN_REUSE_INTERVAL/);
  });
});

describe('the environment reader', () => {
  it('gives every default for an empty environment', () => {
    expect(loadConfig({})).toMatchObject({
      TABLE_NAME: 'twofactor',
      DATA_KEY_SOURCE: 'file',
      ACCESS_TOKEN_TTL: 900,
      SCRYPT_LOG_N: 17,
      WEBAUTHN_ORIGINS: ['http://localhost:3000'],
      SMS_ALLOWED_COUNTRY_CODES: [],
      SMS_TEMPLATES: { en: '{code} is your {app} verification code. It expires in 5 minutes.' },
      PUBLIC_URL: 'http://localhost:3000',
      TIMEOUT_SCALE: 1,
      LOG_LEVEL: 'INFO',
      FRONT_DOOR_ONLY: 'false',
    });
    expect(loadConfig({}).DYNAMODB_ENDPOINT).toBeUndefined();
  });

  it('reads numbers as Number() does, lists split on commas, URLs trimmed', () => {
    const c = loadConfig({ ACCESS_TOKEN_TTL: ' 60 ', TIMEOUT_SCALE: '2.5', WEBAUTHN_ORIGINS: 'https://a.test, https://b.test,,', DYNAMODB_ENDPOINT: ' http://localhost:8000 ' });
    expect(c).toMatchObject({ ACCESS_TOKEN_TTL: 60, TIMEOUT_SCALE: 2.5, WEBAUTHN_ORIGINS: ['https://a.test', 'https://b.test'], DYNAMODB_ENDPOINT: 'http://localhost:8000' });
  });

  it.each([
    [{ SESSION_IDLE_TTL: '30m' }, 'SESSION_IDLE_TTL: Invalid input: must be a number, not "30m"'],
    [{ ACCESS_TOKEN_TTL: '0' }, 'ACCESS_TOKEN_TTL: must be more than 0'],
    [{ ACCESS_TOKEN_TTL: '2.5' }, 'ACCESS_TOKEN_TTL: must be a whole number'],
    [{ SCRYPT_LOG_N: '21' }, 'SCRYPT_LOG_N: must be at most 20'],
    [{ IMPERSONATION_TTL: '59' }, 'IMPERSONATION_TTL: must be at least 60'],
    [{ TIMEOUT_SCALE: '101' }, 'TIMEOUT_SCALE: must be at most 100'],
    [{ TABLE_NAME: '' }, 'TABLE_NAME: must not be empty'],
    [{ LOG_LEVEL: 'debug' }, 'LOG_LEVEL: must be one of: DEBUG, INFO, WARN, ERROR, SILENT'],
    [{ PUBLIC_URL: 'localhost' }, 'PUBLIC_URL: must be a URL'],
    [{ SMS_SENDER_ID: 'TwoFactorService' }, 'SMS_SENDER_ID: must be 1-11 letters or digits'],
    [{ SMS_TEMPLATES: '{"en":"hello"}' }, 'SMS_TEMPLATES: must be a JSON object of templates, each containing {code}, with an "en" one'],
    [{ ORIGIN_VERIFY_SECRET: 'short' }, 'ORIGIN_VERIFY_SECRET: must be at least 16 characters'],
    [{ DATA_KEY_SOURCE: 'kms' }, 'KMS_KEY_ID is required when DATA_KEY_SOURCE=kms'],
    [{ EMAIL_SENDER: 'ses' }, 'EMAIL_FROM is required when EMAIL_SENDER=ses'],
  ])('refuses %j: %s', (env, message) => {
    expect(() => loadConfig(env)).toThrow(`Invalid configuration: ${message}`);
  });

  it('names every bad variable at once, and never echoes a secret', () => {
    expect(() => loadConfig({ TABLE_NAME: '', SESSION_IDLE_TTL: 'x', ORIGIN_VERIFY_SECRET: 'abcdefgh' })).toThrow(
      /^Invalid configuration: TABLE_NAME: must not be empty; SESSION_IDLE_TTL: .*; ORIGIN_VERIFY_SECRET: must be at least 16 characters$/,
    );
    expect(() => loadConfig({ ORIGIN_VERIFY_SECRET: 'abcdefgh' })).not.toThrow(/abcdefgh/);
  });
});
