import { StoreUnavailableError } from '@foyer/domain';
import { reportingOutages } from './redis-outages.js';

/** A stand-in for an adapter: one method that fails as told, and a plain property. */
class FakeClient {
  status = 'ready';
  failure: Error | null = null;

  get(key: string): Promise<string> {
    return this.failure ? Promise.reject(this.failure) : Promise.resolve(`value of ${key}`);
  }

  pipeline(): { exec(): string } {
    return { exec: () => 'not a promise' };
  }
}

describe('reportingOutages', () => {
  const fake = new FakeClient();
  const client = reportingOutages(fake);

  afterEach(() => (fake.failure = null));

  it('passes answers, properties and non-promise results through', async () => {
    await expect(client.get('k')).resolves.toBe('value of k');
    expect(client.status).toBe('ready');
    expect(client.pipeline().exec()).toBe('not a promise');
    // eslint-disable-next-line @typescript-eslint/unbound-method -- compares the property, never calls it
    expect(client.get).toBe(client.get);
  });

  it('answers an outage with StoreUnavailableError, the driver error as its cause', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });
    fake.failure = refused;
    const err = await client.get('k').catch((error: unknown) => error);
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect(err).toMatchObject({ code: 'STORE_UNAVAILABLE', cause: refused });
  });

  it('leaves other failures as they were', async () => {
    const wrongType = new Error('WRONGTYPE Operation against a key holding the wrong kind of value');
    fake.failure = wrongType;
    await expect(client.get('k')).rejects.toBe(wrongType);
  });
});
