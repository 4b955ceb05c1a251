import 'reflect-metadata';
import Fastify from 'fastify';
import { DECORATORS } from '@nestjs/swagger';
import type { QueueState } from '@foyer/domain';
import { QUEUE_STATE_SCHEMA, QueueStateDto } from './queue-state.dto.js';

const STATES: QueueState[] = [
  {
    id: 'user-123',
    eventId: 'concert-2026',
    eventStatus: 'OPEN',
    message: 'Doors open at 10:00 — "quoted" \\ and ünïcødé',
    status: 'WAIT',
    ticket: 'WyJjb25jZXJ0Il0.abc',
    expectedInfo: { rank: 42, waitSeconds: 180, time: '00:03', waitSecondsP25: 150, waitSecondsP75: 215 },
    pollAfterMs: 2000,
  },
  {
    id: 'user-123',
    eventId: 'concert-2026',
    eventStatus: 'PAUSED',
    status: 'WAIT',
    ticket: 't',
    expectedInfo: { rank: 1, waitSeconds: null, time: null, waitSecondsP25: null, waitSecondsP75: null },
    pollAfterMs: 1000,
  },
  {
    id: 'u',
    eventId: 'e',
    eventStatus: 'OPEN',
    status: 'ENTER',
    ticket: 't',
    successToken: 'eyJ.a.b',
    expiresAt: '2026-12-06T10:00:00.000Z',
    successUrl: 'https://shop.example/?wr_token=eyJ.a.b',
  },
  { id: 'u', eventId: 'e', eventStatus: 'OPEN', status: 'ENTER', ticket: 't', successToken: 's', expiresAt: '2026-12-06T10:00:00.000Z' },
  { id: 'u', eventId: 'e', eventStatus: 'OPEN', status: 'BLOCK', reason: 'REENTRY_BLOCKED' },
  { id: 'u', eventId: 'e', eventStatus: 'CLOSED', message: 'm', status: 'EXPIRED', reason: 'EVENT_CLOSED' },
];

describe('QUEUE_STATE_SCHEMA', () => {
  it('names exactly the properties QueueStateDto documents', () => {
    const documented = Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES_ARRAY, QueueStateDto.prototype) as string[];
    expect(Object.keys(QUEUE_STATE_SCHEMA.properties).sort()).toEqual(documented.map((name) => name.replace(/^:/, '')).sort());
  });

  it('makes Fastify write every QueueState as JSON.stringify would (nothing dropped, undefined left out)', async () => {
    const app = Fastify();
    let next: unknown;
    app.get('/', { schema: { response: { 200: QUEUE_STATE_SCHEMA } } }, async () => next);
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      for (const state of STATES) {
        for (const answer of [state, { ...state, message: undefined }]) {
          next = answer;
          const res = await fetch(url);
          expect(await res.json()).toEqual(JSON.parse(JSON.stringify(answer)));
        }
      }
    } finally {
      await app.close();
    }
  });
});
