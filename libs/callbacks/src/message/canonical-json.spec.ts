import { canonicalJson } from './canonical-json.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it('gives the same text for the same JSON in any key order', () => {
    const one = JSON.parse('{"x": 1, "y": [1, 2], "z": {"a": null}}');
    const two = JSON.parse('{"z":{"a":null},"y":[1,2],"x":1.0}');
    expect(canonicalJson(one)).toBe(canonicalJson(two));
  });

  it('keeps array order and tells different values apart', () => {
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
    expect(canonicalJson({ a: '1' })).not.toBe(canonicalJson({ a: 1 }));
    expect(canonicalJson('é"\n')).toBe(JSON.stringify('é"\n'));
    expect(canonicalJson(null)).toBe('null');
  });
});

describe('canonicalJson on deep input', () => {
  it('serialises a value nested 100,000 deep without overflowing the call stack', () => {
    const depth = 100_000;
    const deep = JSON.parse('['.repeat(depth) + ']'.repeat(depth));
    expect(canonicalJson(deep)).toBe('['.repeat(depth) + ']'.repeat(depth));
  });
});
