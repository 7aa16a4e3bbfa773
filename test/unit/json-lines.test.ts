import { wholeJsonLines } from '../../infra/local/json-lines';

describe('wholeJsonLines', () => {
  it('reads each whole line', () => {
    expect(wholeJsonLines('{"a":1}\n{"a":2}\n')).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it('leaves out a line another process has not finished writing', () => {
    expect(wholeJsonLines('{"a":1}\n{"a":2,"b":"unterm')).toEqual([{ a: 1 }]);
    expect(wholeJsonLines('{"a":1')).toEqual([]);
  });

  it('answers nothing for an empty file', () => {
    expect(wholeJsonLines('')).toEqual([]);
  });
});
