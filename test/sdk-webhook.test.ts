/**
 * The SDK's verifyWebhook in a real Express receiver of Foyer's lifecycle notifications: the
 * deliveries Foyer signs pass, and the same bytes under another secret do not.
 */
import { jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import express from 'express';
import { FoyerBackend, verifyWebhook, WebhookVerificationError, type LifecycleNotification } from '@foyer/sdk/server';
import { allowRequireOfEsmPackages } from './support/esm-interop.js';
import { admin, createBacking, startFoyer, type FoyerBacking, type RunningFoyer } from './support/foyer.js';
import { eventually, listenOnLoopback } from './support/services.js';
import { uniqueEventId, visitor } from './support/visitors.js';

jest.setTimeout(60_000);

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;

describe('verifyWebhook on lifecycle notifications from the running app', () => {
  let backing: FoyerBacking;
  let foyer: RunningFoyer;
  let receiver: Server;
  let receiverUrl: string;
  const verified: LifecycleNotification[] = [];
  const raw: { body: Buffer; headers: IncomingHttpHeaders }[] = [];

  beforeAll(async () => {
    await allowRequireOfEsmPackages();
    const app = express();
    // The raw bytes, as the README tells receivers: a re-serialized body loses its signature.
    app.post('/foyer-hook', express.raw({ type: 'application/json' }), (request, response) => {
      raw.push({ body: request.body as Buffer, headers: request.headers });
      try {
        verified.push(verifyWebhook<LifecycleNotification>(request.body as Buffer, request.headers, SECRET));
        response.sendStatus(204);
      } catch (error) {
        response.status(400).json({ reason: (error as WebhookVerificationError).reason });
      }
    });
    receiver = createServer(app);
    receiverUrl = `${await listenOnLoopback(receiver)}/foyer-hook`;
    backing = await createBacking('redis', { CALLBACK_SIGNING_SECRET: SECRET, CALLBACK_ALLOW_PRIVATE: 'true' });
    foyer = await startFoyer(backing);
  }, 120_000);

  afterAll(async () => {
    await foyer?.close();
    await backing?.dispose();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it('verifies admitted and exited notifications, and refuses them under another secret', async () => {
    const eventId = uniqueEventId('sdk-hook');
    const created = await admin(foyer.http).createEvent({ eventId, name: 'Hooks', limitCnt: 5, callbackUrl: receiverUrl });
    expect(created.status).toBe(201);
    const entered = await visitor(foyer.http).enter({ eventId, id: 'alice' });
    expect(entered.body).toMatchObject({ status: 'ENTER' });
    await new FoyerBackend({ foyerUrl: foyer.url }).exit(entered.body.successToken);

    await eventually(() => verified.length >= 2, 30_000, 'two verified notifications');
    expect(verified.map((notification) => [notification.type, notification.eventId, notification.id])).toEqual([
      ['user.admitted', eventId, 'alice'],
      ['user.exited', eventId, 'alice'],
    ]);
    expect(raw).toHaveLength(2);
    const other = `whsec_${randomBytes(32).toString('base64')}`;
    for (const delivery of raw) {
      expect(() => verifyWebhook(delivery.body, delivery.headers, other)).toThrow(WebhookVerificationError);
    }
  });
});
