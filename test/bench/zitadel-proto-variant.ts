/**
 * The AddSecondFactorToLoginPolicy function as it would be with Zitadel's published descriptors
 * (@zitadel/proto's generated management module and everything it imports) instead of the trimmed
 * declarations in proto/: its row in `npm run bench` is what that choice would cost every cold start.
 */
export { ManagementService as zitadelManagementService } from '@zitadel/proto/zitadel/management_pb';
export { handler } from '../../functions/zitadel/rpc-add-second-factor';
