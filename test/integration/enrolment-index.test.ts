/** Index gsi1 carries only what the enrolment report reads: never a password hash. */
import { QueryCommand } from '../../shared/store/commands';
import { tableDefinition as t } from '../../infra/table';
import { db, tableName } from '../../shared/store/client';
import { keys } from '../../shared/store/keys';
import { accessToken, newOrg } from '../support/fixtures';
import { invoke } from '../support/invoke';
import { enrolTotp } from '../support/two-factor';

it('holds the keys and the projected attributes of each user, and the report reads from it alone', async () => {
  const org = await newOrg();
  await enrolTotp(await accessToken(org.member));
  const result = await db().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: t.gsi1.name,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.orgUsersPartition(org.orgId) },
    }),
  );
  const allowed = new Set<string>([t.partitionKey, t.sortKey, t.gsi1.partitionKey, t.gsi1.sortKey, ...t.gsi1.projection]);
  expect(result.Items).toHaveLength(2);
  for (const item of result.Items ?? []) {
    expect(Object.keys(item).filter((name) => !allowed.has(name))).toEqual([]);
    expect(item).not.toHaveProperty('passwordHash');
  }

  const report = await invoke('GET /api/settings/twofactor/users', { token: await accessToken(org.admin) });
  expect(report.status).toBe(200);
  expect(report.body.data).toEqual(
    expect.arrayContaining([
      { userId: org.member.userId, email: org.member.email, role: 'member', methods: ['google'], satisfiesPolicy: true, deadline: null, deadlinePassed: false },
      { userId: org.admin.userId, email: org.admin.email, role: 'admin', methods: [], satisfiesPolicy: true, deadline: null, deadlinePassed: false },
    ]),
  );
});
