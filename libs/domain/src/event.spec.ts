import { admits, eventSettingsProblems, maxPollIntervalMs, refusesEntry } from './event.js';
import { successUrlWithToken } from './queue-state.js';

describe('event rules', () => {
  it('DRAFT and CLOSED refuse entry; PAUSED queues; only OPEN admits', () => {
    expect(refusesEntry('DRAFT')).toBe(true);
    expect(refusesEntry('CLOSED')).toBe(true);
    expect(refusesEntry('PAUSED')).toBe(false);
    expect(refusesEntry('OPEN')).toBe(false);
    expect(admits('OPEN')).toBe(true);
    expect(admits('PAUSED')).toBe(false);
  });

  it('caps the poll interval at a third of the wait timeout', () => {
    expect(maxPollIntervalMs({ waitTimeoutSec: 300 })).toBe(100_000);
    expect(maxPollIntervalMs({ waitTimeoutSec: 1 })).toBe(333);
  });

  it('refuses a pacing floor above a third of the wait timeout', () => {
    const problems = eventSettingsProblems({ waitTimeoutSec: 3, minPollIntervalMs: 1001, idPolicy: 'OPEN' }, { entryTokensConfigured: false });
    expect(problems.map((p) => p.field)).toEqual(['minPollIntervalMs']);
    expect(eventSettingsProblems({ waitTimeoutSec: 3, minPollIntervalMs: 1000, idPolicy: 'OPEN' }, { entryTokensConfigured: false })).toEqual([]);
  });

  it('refuses SIGNED ids while the server has no entry token secret', () => {
    const settings = { waitTimeoutSec: 300, minPollIntervalMs: 1000, idPolicy: 'SIGNED' as const };
    expect(eventSettingsProblems(settings, { entryTokensConfigured: false }).map((p) => p.field)).toEqual(['idPolicy']);
    expect(eventSettingsProblems(settings, { entryTokensConfigured: true })).toEqual([]);
  });

  it('appends the token to the successUrl as wr_token, keeping its own query', () => {
    expect(successUrlWithToken('https://shop.example/buy?x=1', 'abc.def')).toBe('https://shop.example/buy?x=1&wr_token=abc.def');
    expect(successUrlWithToken('https://shop.example/buy', 'abc.def')).toBe('https://shop.example/buy?wr_token=abc.def');
    expect(successUrlWithToken('https://shop.example/buy?', 'abc.def')).toBe('https://shop.example/buy?wr_token=abc.def');
  });

  it("keeps the successUrl's own query byte for byte, its fragment after the token, and replaces an old wr_token", () => {
    expect(successUrlWithToken('https://shop.example/buy?b=x%20y&c=a+b&d', 't')).toBe('https://shop.example/buy?b=x%20y&c=a+b&d&wr_token=t');
    expect(successUrlWithToken('https://shop.example/buy?x=1#seat-map', 't')).toBe('https://shop.example/buy?x=1&wr_token=t#seat-map');
    expect(successUrlWithToken('https://shop.example/buy?wr_token=old&x=1&wr_token', 'new')).toBe('https://shop.example/buy?x=1&wr_token=new');
  });
});
