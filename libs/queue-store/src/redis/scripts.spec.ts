import { expandIncludes, loadScripts, SCRIPT_KEYS, scriptFileName } from './scripts.js';

describe('expandIncludes', () => {
  const files: Record<string, string> = {
    clock: 'local function nowMs() end',
    journal: '--@include "clock"\nlocal function journal() end',
    sessions: '--@include "journal"\n--@include "clock"\nlocal function admit() end',
    loopA: '--@include "loopB"',
    loopB: '--@include "loopA"',
  };
  const read = (name: string): string => {
    const text = files[name];
    if (text === undefined) throw new Error(`no include ${name}`);
    return text;
  };

  it('replaces an include line by the file, expanded depth first', () => {
    const lua = expandIncludes('--@include "journal"\nreturn 1', read);
    expect(lua).toBe('local function nowMs() end\nlocal function journal() end\nreturn 1');
  });

  it('expands each include once, where it first appears', () => {
    const lua = expandIncludes('--@include "sessions"\n--@include "journal"\nreturn 1', read);
    expect(lua.match(/local function nowMs/g)).toHaveLength(1);
    expect(lua.match(/local function journal/g)).toHaveLength(1);
    expect(lua.indexOf('nowMs')).toBeLessThan(lua.indexOf('journal()'));
    expect(lua.indexOf('journal()')).toBeLessThan(lua.indexOf('admit()'));
  });

  it('refuses a cycle and a missing include', () => {
    expect(() => expandIncludes('--@include "loopA"', read)).toThrow('Lua include cycle: loopA -> loopB -> loopA');
    expect(() => expandIncludes('--@include "nope"', read)).toThrow('no include nope');
  });

  it('leaves lines that only mention an include alone', () => {
    const source = '-- see --@include "clock" below\nlocal x = 1';
    expect(expandIncludes(source, read)).toBe(source);
  });
});

describe('loadScripts', () => {
  it('loads one file per script, named <name>-<number of keys>.lua, with no include left', () => {
    const scripts = loadScripts();
    expect(scripts.map((script) => script.name).sort()).toEqual(Object.keys(SCRIPT_KEYS).sort());
    for (const script of scripts) {
      expect(script.fileName).toBe(scriptFileName(script.name));
      expect(script.numberOfKeys).toBe(SCRIPT_KEYS[script.name].length);
      expect(script.lua).not.toMatch(/^--@include/m);
    }
    expect(scriptFileName('enter')).toBe('enter-11.lua');
  });
});
