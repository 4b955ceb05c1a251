import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CallbackUrlPolicy, type ResolveAll } from '../security/callback-url-policy.js';
import { RESPONSE_BODY_CAP_BYTES, WebhookSender } from './webhook-sender.js';
import { WebhookSigner } from './webhook-signature.js';

const SECRET = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;

describe('WebhookSender', () => {
  let server: Server;
  let port: number;
  let requests: IncomingMessage[];
  let answer: (res: import('node:http').ServerResponse) => void;

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(req);
      req.resume();
      req.on('end', () => answer(res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  beforeEach(() => {
    requests = [];
    answer = (res) => res.end('ok');
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const toLoopback: ResolveAll = async () => [{ address: '127.0.0.1', family: 4 }];
  const delivery = (callbackUrl: string) => ({
    webhookId: 'msg_1',
    messageId: 'm-1',
    groupId: 'g:1',
    callbackUrl,
    body: '{"a":1}',
    attempt: 1,
  });

  it('connects through the policy: a name resolving to loopback is refused by default', async () => {
    const sender = new WebhookSender(new CallbackUrlPolicy(false, toLoopback), new WebhookSigner(SECRET), 2_000);
    const result = await sender.send(delivery(`http://rebound.example:${port}/hook`));
    sender.close();
    expect(result).toMatchObject({ succeeded: false, kind: 'forbidden', statusCode: null });
    expect(requests).toHaveLength(0);
  });

  it('refuses a forbidden IP literal without connecting', async () => {
    const sender = new WebhookSender(new CallbackUrlPolicy(false, toLoopback), new WebhookSigner(SECRET), 2_000);
    const result = await sender.send(delivery(`http://127.0.0.1:${port}/hook`));
    sender.close();
    expect(result.kind).toBe('forbidden');
    expect(requests).toHaveLength(0);
  });

  it('uses the resolved address when allowed, and ignores proxy settings', async () => {
    const saved = process.env.HTTP_PROXY;
    process.env.HTTP_PROXY = 'http://127.0.0.1:9';
    const sender = new WebhookSender(new CallbackUrlPolicy(true, toLoopback), new WebhookSigner(SECRET), 2_000);
    try {
      const result = await sender.send(delivery(`http://receiver.example:${port}/hook?q=1`));
      expect(result).toMatchObject({ succeeded: true, statusCode: 200, kind: 'succeeded' });
      expect(requests[0].url).toBe('/hook?q=1');
      expect(requests[0].headers['x-foyer-group-id']).toBe('g:1');
      expect(requests[0].headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    } finally {
      sender.close();
      if (saved === undefined) delete process.env.HTTP_PROXY;
      else process.env.HTTP_PROXY = saved;
    }
  });

  it('reads an answer only up to the cap, and keeps a snippet of a failure', async () => {
    answer = (res) => {
      res.writeHead(500);
      res.end('x'.repeat(RESPONSE_BODY_CAP_BYTES * 4));
    };
    const sender = new WebhookSender(new CallbackUrlPolicy(true), new WebhookSigner(SECRET), 2_000);
    const result = await sender.send(delivery(`http://127.0.0.1:${port}/big`));
    sender.close();
    expect(result).toMatchObject({ succeeded: false, statusCode: 500, kind: 'http_error' });
    expect(result.error!.length).toBeLessThan(300);
  });

  it('gives up on an answer that does not come within the timeout', async () => {
    answer = (res) => setTimeout(() => res.end('late'), 1_000);
    const sender = new WebhookSender(new CallbackUrlPolicy(true), new WebhookSigner(SECRET), 100);
    const result = await sender.send(delivery(`http://127.0.0.1:${port}/slow`));
    sender.close();
    expect(result).toMatchObject({ succeeded: false, kind: 'timeout', statusCode: null });
  });
});
