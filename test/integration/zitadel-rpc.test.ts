/** Every wire form the RPC routes speak carries the same call: gRPC-web binary, JSON and text, Connect binary and JSON. */
import { create, fromBinary, fromJsonString, toBinary, toJsonString } from '@bufbuild/protobuf';
import {
  AddSecondFactorToLoginPolicyRequestSchema,
  AddSecondFactorToLoginPolicyResponseSchema,
} from '../../functions/zitadel/gen/zitadel/management_pb';
import { SecondFactorType } from '../../functions/zitadel/gen/zitadel/policy_pb';
import { forgetCachedPolicy } from '../../shared/policy/policy';
import { accessToken, newOrg } from '../support/fixtures';
import { callRpc, frame } from '../support/rpc';
import { invoke } from '../support/invoke';

const add = 'POST /zitadel.management.v1.ManagementService/AddSecondFactorToLoginPolicy' as const;
const request = create(AddSecondFactorToLoginPolicyRequestSchema, { type: SecondFactorType.OTP_SMS });
const binary = toBinary(AddSecondFactorToLoginPolicyRequestSchema, request);
const json = Buffer.from(toJsonString(AddSecondFactorToLoginPolicyRequestSchema, request));

const forms: Array<[string, Uint8Array | string, boolean]> = [
  ['application/grpc-web+proto', frame(binary), false],
  ['application/grpc-web', frame(binary), false],
  ['application/grpc-web-text', frame(binary).toString('base64'), false],
  ['application/grpc-web+json', frame(json), true],
  ['application/proto', binary, false],
];

describe('AddSecondFactorToLoginPolicy in every wire form', () => {
  it.each(forms)('%s: adds the factor and answers Zitadel object details in the same form', async (contentType, body, isJson) => {
    const org = await newOrg();
    const outcome = await callRpc(add, contentType, body, { token: await accessToken(org.admin) });
    expect(outcome).toMatchObject({ code: 0, httpStatus: 200 });
    const data = outcome.data!;
    const response = isJson
      ? fromJsonString(AddSecondFactorToLoginPolicyResponseSchema, data.toString('utf8'))
      : fromBinary(AddSecondFactorToLoginPolicyResponseSchema, data);
    expect(response.details).toMatchObject({ sequence: 1n, resourceOwner: String(org.orgId) });
  });

  it('application/json (Connect): the proto3 JSON of the response', async () => {
    const org = await newOrg();
    const token = await accessToken(org.admin);
    const response = await invoke(add, { token, rawBody: json.toString(), headers: { 'content-type': 'application/json' } });
    expect(response).toMatchObject({ status: 200, body: { details: { sequence: '1', resourceOwner: String(org.orgId) } } });
    forgetCachedPolicy(org.orgId);
    const settings = await invoke('GET /api/settings/twofactor', { token });
    expect(settings.body.data).toMatchObject({ methods: ['google', 'u2f', 'sms'], sequence: 1 });
  });
});
