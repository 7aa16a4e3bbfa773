/**
 * The trimmed Zitadel messages this service declares (proto/zitadel/*.proto, generated into
 * functions/zitadel/gen/) are wire-identical to Zitadel's published ones (@zitadel/proto): each is
 * encoded with one and decoded with the other, both ways, in binary and JSON, with every field set.
 */
import { create, fromBinary, fromJson, toBinary, toJson, type DescMessage, type MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import * as theirs from '@zitadel/proto/zitadel/management_pb';
import * as ours from '../../functions/zitadel/gen/zitadel/management_pb';

const details = {
  sequence: 18446744073709551615n,
  creationDate: timestampFromDate(new Date('2023-05-02T10:11:12.345Z')),
  changeDate: timestampFromDate(new Date('2026-11-29T23:59:59.999Z')),
  resourceOwner: '69629023906488334',
};
const samples: Array<[string, Record<string, unknown>]> = [
  ['ListLoginPolicySecondFactorsRequest', {}],
  [
    'ListLoginPolicySecondFactorsResponse',
    { details: { totalResult: 4n, processedSequence: 9007199254740993n, viewTimestamp: details.changeDate }, result: [0, 1, 2, 3, 4, 99] },
  ],
  ['AddSecondFactorToLoginPolicyRequest', { type: 4 }],
  ['AddSecondFactorToLoginPolicyRequest', { type: 0 }],
  ['AddSecondFactorToLoginPolicyRequest', { type: 77 }],
  ['AddSecondFactorToLoginPolicyResponse', { details }],
  ['RemoveSecondFactorFromLoginPolicyRequest', { type: 2 }],
  ['RemoveSecondFactorFromLoginPolicyResponse', { details }],
];

const schema = (module: Record<string, unknown>, name: string) => module[`${name}Schema`] as DescMessage;

describe('the declared Zitadel messages are wire-identical to @zitadel/proto', () => {
  it.each(samples)('%s (sample %#): binary, ours → theirs → ours', (name, init) => {
    const [a, b] = [schema(ours, name), schema(theirs, name)];
    const bytes = toBinary(a, create(a, init as MessageInitShape<DescMessage>));
    const decoded = fromBinary(b, bytes);
    expect(decoded.$unknown ?? []).toEqual([]);
    expect(toBinary(b, decoded)).toEqual(bytes);
    expect(toJson(b, decoded)).toEqual(toJson(a, fromBinary(a, bytes)));
  });

  it.each(samples)('%s (sample %#): binary, theirs → ours → theirs', (name, init) => {
    const [a, b] = [schema(ours, name), schema(theirs, name)];
    const bytes = toBinary(b, create(b, init as MessageInitShape<DescMessage>));
    const decoded = fromBinary(a, bytes);
    expect(decoded.$unknown ?? []).toEqual([]);
    expect(toBinary(a, decoded)).toEqual(bytes);
  });

  it.each(samples)('%s (sample %#): JSON both ways', (name, init) => {
    const [a, b] = [schema(ours, name), schema(theirs, name)];
    const json = toJson(a, create(a, init as MessageInitShape<DescMessage>), { alwaysEmitImplicit: true });
    expect(toJson(b, create(b, init as MessageInitShape<DescMessage>), { alwaysEmitImplicit: true })).toEqual(json);
    expect(toJson(a, fromJson(a, toJson(b, fromJson(b, json))))).toEqual(toJson(a, fromJson(a, json)));
  });

  it('serves the same methods at the same paths with the same message types', () => {
    const shape = (service: typeof ours.ManagementService | typeof theirs.ManagementService) =>
      service.methods.map((m) => [`/${service.typeName}/${m.name}`, m.methodKind, m.input.typeName, m.output.typeName]);
    const wanted = shape(ours.ManagementService);
    expect(wanted).toHaveLength(3);
    expect(shape(theirs.ManagementService)).toEqual(expect.arrayContaining(wanted));
  });
});
