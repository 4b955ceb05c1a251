import { clearedCookie, readCookie, sessionCookie } from './gate-cookie.js';

describe('session cookie', () => {
  const cookie = { name: 'foyer_concert', path: '/', secure: true };

  it('is HttpOnly, SameSite=Lax, Secure when asked, and lives until the token expires', () => {
    expect(sessionCookie(cookie, 'a.b.c', 599.7)).toBe('foyer_concert=a.b.c; Max-Age=599; Path=/; HttpOnly; SameSite=Lax; Secure');
    expect(sessionCookie({ ...cookie, secure: false, path: '/shop' }, 't', 10)).toBe('foyer_concert=t; Max-Age=10; Path=/shop; HttpOnly; SameSite=Lax');
    expect(clearedCookie(cookie)).toBe('foyer_concert=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax; Secure');
  });

  it('is read back from a cookie header among others', () => {
    expect(readCookie('a=1; foyer_concert=x.y.z; b=2', 'foyer_concert')).toBe('x.y.z');
    expect(readCookie(['a=1', 'foyer_concert="q"'], 'foyer_concert')).toBe('q');
    expect(readCookie('foyer_concerts=1; xfoyer_concert=2', 'foyer_concert')).toBeNull();
    expect(readCookie('foyer_concert=', 'foyer_concert')).toBeNull();
    expect(readCookie(undefined, 'foyer_concert')).toBeNull();
  });
});
