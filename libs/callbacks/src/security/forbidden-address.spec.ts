import { forbiddenAddressReason, ipBytes } from './forbidden-address.js';

describe('forbiddenAddressReason', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.127.255.255', 'carrier-grade NAT'],
    ['169.254.169.254', 'link-local'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['::', 'unspecified'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['[::ffff:a9fe:a9fe]', 'link-local'],
    ['::127.0.0.1', 'loopback'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['2002:c0a8:0101::1', 'private'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456:789a::1', 'unique-local'],
    ['fd00:ec2::254', 'unique-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf:ffff::1', 'link-local'],
    ['ff02::1', 'multicast'],
  ])('refuses %s (%s)', (address, why) => {
    expect(forbiddenAddressReason(address)).toContain(why);
  });

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '172.15.255.255', '100.128.0.1', '192.169.0.1', '2606:4700::1111', '::ffff:8.8.8.8', '2002:0808:0808::1'])(
    'allows the public address %s',
    (address) => {
      expect(forbiddenAddressReason(address)).toBeNull();
    },
  );

  it('is not fooled by IPv4 written in decimal, hex or octal once the URL parser has read it', () => {
    for (const host of ['2130706433', '0x7f000001', '0177.0.0.1', '127.1', '0x7f.1', '0']) {
      const hostname = new URL(`http://${host}/`).hostname;
      expect(forbiddenAddressReason(hostname)).not.toBeNull();
    }
    expect(new URL('http://[::ffff:127.0.0.1]/').hostname).toBe('[::ffff:7f00:1]');
  });
});

describe('IPv4-translated addresses (::ffff:0:0:0/96)', () => {
  it('are judged as the IPv4 address they carry', () => {
    expect(forbiddenAddressReason('::ffff:0:7f00:1')).toBe('loopback address (IPv4-translated)');
    expect(forbiddenAddressReason('::ffff:0:169.254.169.254')).toBe('link-local (metadata) address (IPv4-translated)');
    expect(forbiddenAddressReason('[::ffff:0:a00:1]')).toBe('private address (IPv4-translated)');
    expect(forbiddenAddressReason('::ffff:0:93.184.215.14')).toBeNull();
  });
});

describe('ipBytes', () => {
  it('expands IPv6 forms', () => {
    expect(ipBytes('::1')).toEqual([...Array(15).fill(0), 1]);
    expect(ipBytes('1::')).toEqual([0, 1, ...Array(14).fill(0)]);
    expect(ipBytes('::ffff:1.2.3.4')).toEqual([...Array(10).fill(0), 255, 255, 1, 2, 3, 4]);
    expect(ipBytes('a:b:c:d:e:f:1:2')).toEqual([0, 10, 0, 11, 0, 12, 0, 13, 0, 14, 0, 15, 0, 1, 0, 2]);
    expect(ipBytes('example.com')).toBeNull();
  });
});
