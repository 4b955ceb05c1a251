import type { LookupAddress } from 'node:dns';
import { FoyerError } from '@foyer/domain';
import { CallbackUrlPolicy, type ResolveAll } from './callback-url-policy.js';

const resolver =
  (table: Record<string, string[]>): ResolveAll =>
  async (hostname) => {
    const addresses = table[hostname];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

async function codeOf(promise: Promise<unknown>): Promise<string | null> {
  try {
    await promise;
    return null;
  } catch (err) {
    return (err as FoyerError).code;
  }
}

describe('CallbackUrlPolicy.check', () => {
  const policy = new CallbackUrlPolicy(
    false,
    resolver({
      'hooks.example': ['93.184.215.14'],
      'sneaky.example': ['93.184.215.14', '10.0.0.5'],
      'v6.example': ['2606:4700::1111', '::1'],
    }),
  );

  it('accepts a public host and refuses one with any forbidden address', async () => {
    expect(await codeOf(policy.check('https://hooks.example/x'))).toBeNull();
    expect(await codeOf(policy.check('https://sneaky.example/x'))).toBe('CALLBACK_URL_FORBIDDEN');
    expect(await codeOf(policy.check('https://v6.example/x'))).toBe('CALLBACK_URL_FORBIDDEN');
    expect(await codeOf(policy.check('http://[::ffff:10.1.1.1]/'))).toBe('CALLBACK_URL_FORBIDDEN');
  });

  it('names CALLBACK_ALLOW_PRIVATE in the refusal, for a developer whose receiver is on localhost', async () => {
    const refusal = await policy.check('http://127.0.0.1:4000/hook').then(
      () => null,
      (err: unknown) => err as FoyerError,
    );
    expect(refusal?.code).toBe('CALLBACK_URL_FORBIDDEN');
    expect(refusal?.message).toMatch(/^callbackUrl '127\.0\.0\.1' is not allowed: .+CALLBACK_ALLOW_PRIVATE=true/);
  });

  it('does not refuse a name that does not resolve now (connections check again)', async () => {
    expect(await codeOf(policy.check('https://nowhere.example/x'))).toBeNull();
  });

  it('refuses what is not an http(s) URL as a validation failure', async () => {
    for (const url of ['ftp://hooks.example/', 'javascript:alert(1)', 'hooks.example/x', `https://hooks.example/${'a'.repeat(2048)}`]) {
      expect(await codeOf(policy.check(url))).toBe('VALIDATION_FAILED');
    }
  });

  it('allows everything with allowPrivate', async () => {
    const open = new CallbackUrlPolicy(true, resolver({}));
    expect(await codeOf(open.check('http://127.0.0.1:9/x'))).toBeNull();
    expect(open.literalReason('127.0.0.1')).toBeNull();
  });
});

describe('CallbackUrlPolicy.connectLookup', () => {
  const lookup = (policy: CallbackUrlPolicy, host: string, all: boolean) =>
    new Promise<{ err: NodeJS.ErrnoException | null; address: unknown; family?: number }>((resolve) =>
      policy.connectLookup(host, { all }, (err, address, family) => resolve({ err, address, family })),
    );

  it('refuses at connect time a name that now resolves to a forbidden address (DNS rebinding)', async () => {
    let answer = ['93.184.215.14'];
    const policy = new CallbackUrlPolicy(false, async () => answer.map((address) => ({ address, family: 4 })));
    expect(await codeOf(policy.check('http://rebind.example/'))).toBeNull();
    answer = ['127.0.0.1'];
    const refused = await lookup(policy, 'rebind.example', true);
    expect(refused.err?.code).toBe('CALLBACK_URL_FORBIDDEN');
  });

  it('answers in the shape net.connect asks for', async () => {
    const policy = new CallbackUrlPolicy(false, resolver({ 'hooks.example': ['93.184.215.14', '2606:4700::1111'] }));
    expect((await lookup(policy, 'hooks.example', true)).address).toEqual([
      { address: '93.184.215.14', family: 4 },
      { address: '2606:4700::1111', family: 6 },
    ]);
    expect(await lookup(policy, 'hooks.example', false)).toEqual({ err: null, address: '93.184.215.14', family: 4 });
    expect((await lookup(policy, 'nowhere.example', false)).err?.code).toBe('ENOTFOUND');
  });
});
