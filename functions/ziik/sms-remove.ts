import { removeSms } from '../../shared/factors/sms/enrolment';
import { endpoint, noContent } from '../endpoint';

export const handler = endpoint('DELETE /api/two-factor/sms', async ({ principal, body, actor }) => {
  await removeSms(principal, actor, body?.code);
  return noContent();
});
