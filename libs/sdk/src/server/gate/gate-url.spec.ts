import { takeTokenFromUrl } from './gate-url.js';

describe('takeTokenFromUrl', () => {
  it('takes wr_token out and keeps every other parameter as spelled', () => {
    expect(takeTokenFromUrl('/checkout?a=1&wr_token=abc.def.ghi&b=x%20y+z')).toEqual({ token: 'abc.def.ghi', cleanUrl: '/checkout?a=1&b=x%20y+z' });
    expect(takeTokenFromUrl('/checkout?wr_token=abc')).toEqual({ token: 'abc', cleanUrl: '/checkout' });
    expect(takeTokenFromUrl('/checkout?wr_token=abc&wr_token=def')).toEqual({ token: 'abc', cleanUrl: '/checkout' });
    expect(takeTokenFromUrl('/checkout?wr%5Ftoken=abc')).toEqual({ token: 'abc', cleanUrl: '/checkout' });
  });

  it('finds no token where there is none, or an empty one', () => {
    expect(takeTokenFromUrl('/checkout')).toEqual({ token: null, cleanUrl: '/checkout' });
    expect(takeTokenFromUrl('/checkout?x=wr_token')).toEqual({ token: null, cleanUrl: '/checkout?x=wr_token' });
    expect(takeTokenFromUrl('/checkout?wr_token=')).toEqual({ token: null, cleanUrl: '/checkout' });
    expect(takeTokenFromUrl('/checkout?wr_token=%E0%A4%A')).toEqual({ token: null, cleanUrl: '/checkout' });
  });

  it('never makes a Location that leaves the site', () => {
    expect(takeTokenFromUrl('//evil.example/x?wr_token=t').cleanUrl).toBe('/evil.example/x');
    expect(takeTokenFromUrl('/\\evil.example?wr_token=t').cleanUrl).toBe('/evil.example');
    expect(takeTokenFromUrl('https://shop.example/pay?wr_token=t&n=1')).toEqual({ token: 't', cleanUrl: '/pay?n=1' });
  });
});
