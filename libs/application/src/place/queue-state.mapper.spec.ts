import { EVENT_DEFAULTS, type EventRecord, type Place, type PlaceState } from '@foyer/domain';
import { toQueueState } from './queue-state.mapper.js';

const EVENT: EventRecord = {
  ...EVENT_DEFAULTS,
  eventId: 'concert-2026',
  name: 'Concert',
  limitCnt: 10,
  sessionTtlSec: 600,
  createdAt: new Date(0),
  updatedAt: new Date(0),
};
const PLACE: Place = { eventId: 'concert-2026', id: 'user-1', seq: 7, epoch: 'e1' };
const ADMITTED: PlaceState = {
  status: 'ENTER',
  place: PLACE,
  session: { admittedAt: Date.UTC(2026, 0, 1), expiresAt: Date.UTC(2026, 0, 1, 0, 10), successToken: null },
};

describe('toQueueState', () => {
  it('tells a waiter its rank, an ETA from the measured rate, when to poll, and the ticket it was given', () => {
    const state = toQueueState(EVENT, { status: 'WAIT', place: PLACE, rank: 30, measuredRate: 2 }, 'the-ticket', null);
    expect(state).toEqual({
      id: 'user-1',
      eventId: 'concert-2026',
      eventStatus: 'OPEN',
      message: undefined,
      status: 'WAIT',
      ticket: 'the-ticket',
      expectedInfo: { rank: 30, waitSeconds: 15, time: '00:01', waitSecondsP25: expect.any(Number), waitSecondsP75: expect.any(Number) },
      pollAfterMs: expect.any(Number),
    });
  });

  it('answers an admitted place with the tokens issued for it, the successUrl carrying the token', () => {
    const event = { ...EVENT, successUrl: 'https://shop.example/in?a=b%20c', message: 'Welcome' };
    expect(toQueueState(event, ADMITTED, 'the-ticket', 'the.success.token')).toEqual({
      id: 'user-1',
      eventId: 'concert-2026',
      eventStatus: 'OPEN',
      message: 'Welcome',
      status: 'ENTER',
      ticket: 'the-ticket',
      successToken: 'the.success.token',
      expiresAt: '2026-01-01T00:10:00.000Z',
      successUrl: 'https://shop.example/in?a=b%20c&wr_token=the.success.token',
    });
  });

  it('answers BLOCK and EXPIRED without credentials', () => {
    expect(toQueueState(EVENT, { status: 'BLOCK', place: PLACE }, null, null)).toEqual({
      id: 'user-1',
      eventId: 'concert-2026',
      eventStatus: 'OPEN',
      message: undefined,
      status: 'BLOCK',
      reason: 'REENTRY_BLOCKED',
    });
    const closed = { ...EVENT, status: 'CLOSED' as const };
    expect(toQueueState(closed, { status: 'EXPIRED', place: PLACE, reason: 'EVENT_CLOSED' }, null, null)).toMatchObject({
      eventStatus: 'CLOSED',
      status: 'EXPIRED',
      reason: 'EVENT_CLOSED',
    });
  });

  it('refuses to build a WAIT or ENTER answer without the credential it promises', () => {
    expect(() => toQueueState(EVENT, { status: 'WAIT', place: PLACE, rank: 1, measuredRate: null }, null, null)).toThrow(/ticket/);
    expect(() => toQueueState(EVENT, ADMITTED, 'the-ticket', null)).toThrow(/successToken/);
  });
});
