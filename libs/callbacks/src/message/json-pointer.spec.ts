import { groupFromValue, isJsonPointer, resolveJsonPointer } from './json-pointer.js';

describe('resolveJsonPointer', () => {
  const doc = { call: { id: 'c-1', legs: [{ n: 7 }] }, 'a/b': 1, 'm~n': 2, '': 3 };

  it('follows objects, arrays and escapes', () => {
    expect(resolveJsonPointer(doc, '/call/id')).toBe('c-1');
    expect(resolveJsonPointer(doc, '/call/legs/0/n')).toBe(7);
    expect(resolveJsonPointer(doc, '/a~1b')).toBe(1);
    expect(resolveJsonPointer(doc, '/m~0n')).toBe(2);
    expect(resolveJsonPointer(doc, '/')).toBe(3);
  });

  it('gives undefined for what is not there', () => {
    expect(resolveJsonPointer(doc, '/call/missing')).toBeUndefined();
    expect(resolveJsonPointer(doc, '/call/legs/1')).toBeUndefined();
    expect(resolveJsonPointer(doc, '/call/legs/01')).toBeUndefined();
    expect(resolveJsonPointer(doc, '/call/id/x')).toBeUndefined();
    expect(resolveJsonPointer(doc, '/toString')).toBeUndefined();
    expect(resolveJsonPointer(doc, 'call')).toBeUndefined();
  });

  it('validates pointers', () => {
    expect(isJsonPointer('/a/b')).toBe(true);
    expect(isJsonPointer('/a~2')).toBe(false);
    expect(isJsonPointer('')).toBe(false);
    expect(isJsonPointer('path')).toBe(false);
  });
});

describe('groupFromValue', () => {
  it('takes strings and finite numbers only', () => {
    expect(groupFromValue('g')).toBe('g');
    expect(groupFromValue(42)).toBe('42');
    expect(groupFromValue(1.5)).toBe('1.5');
    expect(groupFromValue(null)).toBeNull();
    expect(groupFromValue({})).toBeNull();
    expect(groupFromValue(true)).toBeNull();
  });
});
