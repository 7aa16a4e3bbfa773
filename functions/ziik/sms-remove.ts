import { removeSms } from '../../shared/factors/sms/enrolment';
import { endpoint, noContent } from '../endpoint';
import { ziikSmsRemove } from '../route-entries';

export const handler = endpoint(ziikSmsRemove, async ({ principal, body, actor }) => {
  await removeSms(principal, actor, body?.code);
  return noContent();
});
