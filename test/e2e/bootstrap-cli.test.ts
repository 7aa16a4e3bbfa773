/** `npm run bootstrap`: creates an org (once) and a user, and prints the generated password. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { uniqueEmail, login } from '../support/fixtures';

const root = join(__dirname, '..', '..');
const run = (args: string[]) =>
  promisify(execFile)(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), 'infra/local/bootstrap.ts', ...args], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'SILENT' },
  });

describe('npm run bootstrap', () => {
  it('creates the org once and users in it; --json prints one object whose password logs in', async () => {
    const org = `Acme ${Date.now()}`;
    const admin = JSON.parse((await run(['--org', org, '--email', uniqueEmail('boot'), '--json'])).stdout);
    expect(admin).toEqual({ orgId: expect.any(Number), userId: expect.any(Number), email: expect.any(String), role: 'admin', password: expect.any(String) });
    const member = JSON.parse((await run(['--org', org, '--email', uniqueEmail('boot'), '--role', 'member', '--json'])).stdout);
    expect(member).toMatchObject({ orgId: admin.orgId, role: 'member' });
    expect((await login(admin)).accessToken).toBeDefined();
  }, 60_000);

  it('refuses bad arguments with the usage line', async () => {
    await expect(run(['--org', 'X', '--email', 'a@b.test', '--role', 'root'])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('usage: npm run bootstrap'),
    });
  }, 60_000);
});
