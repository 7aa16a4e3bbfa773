import { acceptInvitation } from '../../shared/identity/invitations';
import { languageOf } from '../../shared/mail/language';
import { endpoint, ok } from '../endpoint';
import { authInvitationAccept } from '../route-entries';
import { loginAnswer } from './presenters';

// Accept-Language: the language the user's security notifications are written in from now on.
export const handler = endpoint(authInvitationAccept, async ({ body, actor, headers }) =>
  ok(loginAnswer(await acceptInvitation(body.token, body.password, actor, languageOf(headers['accept-language'])))),
);
