/** Logs carry identifiers and outcomes only: no password, token, code or secret, whatever happens. */
// The logger reads LOG_LEVEL when it is created: load every module afresh with logs on.
async function loadWithLogs() {
  jest.resetModules();
  process.env.LOG_LEVEL = 'DEBUG';
  return {
    ...(await import('../../shared/adapters/sms-sender')),
    ...(await import('../support/clock')),
    ...(await import('../support/fixtures')),
    ...(await import('../support/invoke')),
    ...(await import('../support/two-factor')),
    ...(await import('../../shared/store/client')),
  };
}

describe('structured logs', () => {
  it('never contain a secret, through logins, 2FA, failures and errors', async () => {
    const written: string[] = [];
    const capture = (chunk: unknown) => {
      written.push(String(chunk));
      return true;
    };
    const spies = [
      jest.spyOn(process.stdout, 'write').mockImplementation(capture as typeof process.stdout.write),
      jest.spyOn(process.stderr, 'write').mockImplementation(capture as typeof process.stderr.write),
    ];
    const { setSmsSender, testClock, accessToken, login, newOrg, invoke, enrolTotp, totpCode, resetDb } = await loadWithLogs();
    const clock = testClock();
    const secrets: string[] = [];
    try {
      const { member, admin } = await newOrg();
      secrets.push(member.password, admin.password);
      const token = await accessToken(member);
      const tokens = await login(admin);
      secrets.push(token, tokens.accessToken!, tokens.refreshToken!);
      const other = await login(admin);
      secrets.push(other.refreshToken!);
      await invoke('POST /api/auth/refresh', { body: { refreshToken: other.refreshToken } });
      clock.advance(61); // past the longest reuse interval
      await invoke('POST /api/auth/refresh', { body: { refreshToken: other.refreshToken } }); // a replay, refused
      await invoke('POST /api/auth/login', { body: { email: member.email, password: 'wrong-password' } });

      const secret = await enrolTotp(token);
      secrets.push(secret);
      clock.nextStep();
      const pending = (await login(member)).pendingToken!;
      secrets.push(pending);
      await invoke('POST /2fa/authenticate', { token: pending, body: { code: '000000' } });
      const code = await totpCode(secret);
      secrets.push(code);
      const done = await invoke('POST /2fa/authenticate', { token: pending, body: { code } });
      secrets.push(done.body.accessToken, done.body.refreshToken);

      await invoke('POST /api/settings/twofactor/{method}', { token: tokens.accessToken, params: { method: 'sms' } });
      setSmsSender({ send: async () => Promise.reject(new Error('provider down')) });
      await invoke('PATCH /api/two-factor', { token: tokens.accessToken, body: { method: 'sms', phone_prefix: 45, phone: '26555123' } });
      await invoke('POST /api/two-factor/send-verification', { token: tokens.accessToken });
    } finally {
      setSmsSender(undefined);
      clock.restore();
      resetDb();
      process.env.LOG_LEVEL = 'SILENT';
      spies.forEach((s) => s.mockRestore());
    }
    const output = written.join('');
    expect(output).toContain('"level":"ERROR"'); // the failed SMS was logged...
    expect(output).toContain('request refused'); // ...and so were the refusals
    for (const secret of secrets) expect(output).not.toContain(secret);
  });
});
