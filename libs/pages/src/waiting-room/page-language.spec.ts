import { choosePageLanguage, fromAcceptLanguage } from './page-language.js';
import { escapeHtml, jsonForHtml } from '../shared/page-html.js';

describe('the page language', () => {
  it('takes the best supported language of Accept-Language, by weight then order', () => {
    expect(fromAcceptLanguage('ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7')).toBe('ko');
    expect(fromAcceptLanguage('en-GB, ko')).toBe('en');
    expect(fromAcceptLanguage('fr-FR, en;q=0.5, ko;q=0.9')).toBe('ko');
    expect(fromAcceptLanguage('KO')).toBe('ko');
    expect(fromAcceptLanguage('ko;q=0, en;q=0.1')).toBe('en');
    expect(fromAcceptLanguage('de, fr;q=0.8, *;q=0.5')).toBeNull();
    expect(fromAcceptLanguage('')).toBeNull();
    expect(fromAcceptLanguage(undefined)).toBeNull();
    expect(fromAcceptLanguage(';;,q=,ko;q=abc')).toBeNull();
  });

  it("prefers the visitor's choice: ?lang= first, then the cookie, then the browser, then English", () => {
    expect(choosePageLanguage({ query: 'en', cookie: 'wr_lang=ko', acceptLanguage: 'ko' })).toBe('en');
    expect(choosePageLanguage({ query: 'fr', cookie: 'a=b; wr_lang=ko', acceptLanguage: 'en' })).toBe('ko');
    expect(choosePageLanguage({ cookie: 'wr_lang=xx', acceptLanguage: 'ko-KR' })).toBe('ko');
    expect(choosePageLanguage({ cookie: 'my_wr_lang=ko' })).toBe('en');
    expect(choosePageLanguage({})).toBe('en');
  });
});

describe('what the page embeds', () => {
  it('escapes text for HTML and JSON that cannot close its script element', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;');
    const json = jsonForHtml({ text: '</script><script>alert(1)</script>\u2028' });
    expect(json).not.toMatch(/[<>\u2028]/);
    expect(JSON.parse(json)).toEqual({ text: '</script><script>alert(1)</script>\u2028' });
  });
});
