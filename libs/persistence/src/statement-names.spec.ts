import { statementNamer } from './statement-names.js';

describe('statementNamer', () => {
  it('names a text from its second sighting on, always with the same name', () => {
    const name = statementNamer();
    expect(name({ sql: 'SELECT 1' })).toBeUndefined();
    const first = name({ sql: 'SELECT 1' });
    expect(first).toMatch(/^foyer_\d+$/);
    expect(name({ sql: 'SELECT 1' })).toBe(first);
    expect(name({ sql: 'SELECT 1' })).toBe(first);
  });

  it('gives different texts different names', () => {
    const name = statementNamer();
    for (const sql of ['SELECT 1', 'SELECT 2', 'SELECT 1', 'SELECT 2']) name({ sql });
    expect(name({ sql: 'SELECT 1' })).not.toBe(name({ sql: 'SELECT 2' }));
  });

  it('names at most maxNamed texts and leaves the rest unnamed, without forgetting the named ones', () => {
    const name = statementNamer(2);
    for (const sql of ['A', 'A', 'B', 'B', 'C', 'C']) name({ sql });
    expect(name({ sql: 'A' })).toBeDefined();
    expect(name({ sql: 'B' })).toBeDefined();
    expect(name({ sql: 'C' })).toBeUndefined();
  });
});
