import { listKeys } from '../../shared/factors/webauthn/enrolment';
import { endpoint, ok } from '../endpoint';
import { keysList } from '../route-entries';

export const handler = endpoint(keysList, async ({ principal }) => ok({ data: await listKeys(principal) }));
