import { IsInt, Max, Min, validateSync } from 'class-validator';
import { plainToInstance } from 'class-transformer';
import { toFieldProblems, unstorableField } from './validation.js';

class Limits {
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  limitCnt!: number;
}

const problemsOf = (body: object) => toFieldProblems(validateSync(plainToInstance(Limits, body)));

describe('toFieldProblems', () => {
  it('names only the type when a value has the wrong type, not every rule of its field', () => {
    expect(problemsOf({ limitCnt: '5' })).toEqual([{ field: 'limitCnt', message: 'limitCnt must be an integer number' }]);
  });

  it('names every range rule a value of the right type breaks', () => {
    expect(problemsOf({ limitCnt: -1 })).toEqual([{ field: 'limitCnt', message: 'limitCnt must not be less than 0' }]);
    expect(problemsOf({ limitCnt: 1.5 })).toEqual([{ field: 'limitCnt', message: 'limitCnt must be an integer number' }]);
  });

  it('says a missing required field is required', () => {
    expect(problemsOf({})).toEqual([{ field: 'limitCnt', message: 'limitCnt is required' }]);
  });
});

describe('unstorableField', () => {
  it('names the first string, value or key, that holds NUL or an unpaired surrogate, at any depth', () => {
    expect(unstorableField({ name: 'fine', tags: ['a', 'b'] }, '')).toBeNull();
    expect(unstorableField({ name: 'a\u0000b' }, '')).toBe('name');
    expect(unstorableField({ body: { list: ['ok', 'x\ud800'] } }, '')).toBe('body.list.1');
    expect(unstorableField({ ['k\u0000']: 1 }, '')).toBe('k\u0000');
    expect(unstorableField('\udc00', 'eventId')).toBe('eventId');
    // A surrogate pair is one well-formed character.
    expect(unstorableField({ name: '\ud83d\ude00' }, '')).toBeNull();
  });
});
