import { countRecoveryCodes } from '../../shared/factors/recovery/enrolment';
import { endpoint, ok } from '../endpoint';
import { recoveryCount } from '../route-entries';

export const handler = endpoint(recoveryCount, async ({ principal }) => ok({ data: { remaining: await countRecoveryCodes(principal) } }));
