import { reinvite } from '../../shared/identity/invitations';
import { languageOf } from '../../shared/mail/language';
import { endpoint, ok } from '../endpoint';
import { usersReinvite } from '../route-entries';

export const handler = endpoint(usersReinvite, async ({ params, principal, actor, headers }) =>
  ok({ invitation: await reinvite(principal, params.id, actor, languageOf(headers['accept-language'])) }),
);
