/** The demo org `npm start` creates on an empty table, with its users' credentials printed once. */
import { cliActor } from '../../shared/audit/events';
import { bootstrapUser } from '../../shared/identity/bootstrap';
import { userIdByEmail } from '../../shared/identity/users';

const demoUsers = [
  { email: 'admin@demo.test', role: 'admin' },
  { email: 'member@demo.test', role: 'member' },
  { email: 'support@demo.test', role: 'support' },
] as const;

export async function seedDemo(): Promise<void> {
  if (await userIdByEmail(demoUsers[0].email)) {
    console.log('Demo users exist already (their passwords were printed when they were created; `npm run bootstrap` adds users).');
    return;
  }
  console.log('Demo org "Demo" (passwords are shown once):');
  for (const { email, role } of demoUsers) {
    const user = await bootstrapUser('Demo', email, role, cliActor('npm start'));
    console.log(`  ${role.padEnd(8)} ${user.email.padEnd(20)} password: ${user.password}   (user ${user.userId}, org ${user.orgId})`);
  }
}
