/**
 * The deploy workflow (.github/workflows/deploy.yml): actions pinned by commit SHA, the deploy in
 * the protected `production` environment that the OIDC role's trust policy names, and `cdk diff`
 * before `cdk deploy`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = join(__dirname, '..', '..', '.github', 'workflows');
const workflows = readdirSync(dir).map((name) => ({ name, text: readFileSync(join(dir, name), 'utf8') }));

test('every action is pinned by a full commit SHA, with the release it is in a comment', () => {
  const uses = workflows.flatMap(({ name, text }) => [...text.matchAll(/^\s*-?\s*uses:\s*(\S+)(.*)$/gm)].map((m) => ({ name, ref: m[1]!, rest: m[2]! })));
  expect(uses.length).toBeGreaterThan(0);
  for (const use of uses) {
    expect({ ...use, pinned: /@[0-9a-f]{40}$/.test(use.ref) }).toMatchObject({ pinned: true });
    expect(use.rest).toMatch(/# v\d+(\.\d+)*$/);
  }
});

test('the deploy job runs in the production environment, shows cdk diff, then deploys', () => {
  const deploy = workflows.find((w) => w.name === 'deploy.yml')!.text;
  const job = deploy.slice(deploy.indexOf('\n  deploy:'));
  expect(job).toMatch(/\n {4}environment: production\n/);
  expect(deploy).toContain('repo:<owner>/<repo>:environment:production');
  expect(job.indexOf('npx cdk diff')).toBeGreaterThan(0);
  expect(job.indexOf('npx cdk diff')).toBeLessThan(job.indexOf('npx cdk deploy'));
  // The role is assumed only inside that job.
  expect(deploy.slice(0, deploy.indexOf('\n  deploy:'))).not.toContain('configure-aws-credentials');
});
