/** `npm run import` and `npm run export`: a file in, every row's outcome out; an org out as the same rows. */
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { newOrg, uniqueEmail } from '../support/fixtures';

const root = join(__dirname, '..', '..');
const run = (script: string, args: string[]) =>
  promisify(execFile)(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), `infra/local/${script}.ts`, ...args], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'SILENT' },
    maxBuffer: 64 * 2 ** 20,
  });

const SCRYPT = '$scrypt$ln=14,r=8,p=1$c2FsdHlzYWx0eXNhbHR5IQ$mWhu7hGesVVN+C6P2y/qJSNKbWpBrGa+Zlaqi1Zu/D0';

describe('npm run import / export', () => {
  it('reports each row of a hostile 10 MB file, exits 1 when a row is refused, and a re-run changes nothing', async () => {
    const { orgId } = await newOrg();
    const dir = await mkdtemp(join(tmpdir(), 'import-'));
    const file = join(dir, 'users.jsonl');
    const emails = [uniqueEmail('cli'), uniqueEmail('cli')];
    await writeFile(
      file,
      [
        JSON.stringify({ email: emails[0], role: 'admin', passwordHash: SCRYPT, totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' }),
        'x'.repeat(10 * 2 ** 20),
        JSON.stringify({ email: emails[1], role: 'member' }),
      ].join('\n'),
    );
    const first = await run('import', ['--file', file, '--org', String(orgId), '--json']).catch((e) => e);
    expect(first.code).toBe(1);
    expect(first.stdout.trim().split('\n').map((l: string) => JSON.parse(l).outcome)).toEqual(['created', 'refused', 'created']);
    expect(first.stderr).toContain('2 created, 1 refused');

    const again = await run('import', ['--file', file, '--org', String(orgId)]).catch((e) => e);
    expect(again.stdout).toContain(`line 1: unchanged ${emails[0]}`);
    expect(again.stderr).toContain('2 unchanged, 1 refused');

    const exported = (await run('export', ['--org', String(orgId), '--include-secrets'])).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(exported).toEqual(
      expect.arrayContaining([expect.objectContaining({ email: emails[0], role: 'admin', passwordHash: SCRYPT, totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' })]),
    );
  }, 120_000);

  it('refuses missing arguments with the usage line', async () => {
    await expect(run('import', ['--file', 'x.jsonl'])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('usage: npm run import') });
    await expect(run('export', [])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('usage: npm run export') });
  }, 60_000);
});
