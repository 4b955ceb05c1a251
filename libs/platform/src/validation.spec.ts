import { IsInt, Max, Min, validateSync } from 'class-validator';
import { plainToInstance } from 'class-transformer';
import { toFieldProblems } from './validation.js';

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
