import 'reflect-metadata';
import { createValidationPipe } from '@foyer/platform';
import { EnterDto, plainEnterBody } from './enter.dto.js';

const pipe = createValidationPipe();
const viaPipe = async (body: unknown): Promise<EnterDto | 'refused'> => {
  try {
    return (await pipe.transform(body, { type: 'body', metatype: EnterDto })) as EnterDto;
  } catch {
    return 'refused';
  }
};
const fields = (dto: EnterDto) => ({ eventId: dto.eventId, id: dto.id, idToken: dto.idToken });

const BODIES: unknown[] = [
  { eventId: 'concert-2026', id: 'user-123' },
  { eventId: 'concert-2026' },
  { eventId: 'a.b_c-D9', idToken: 'eyJhbGciOiJIUzI1NiJ9.e30.sig' },
  { eventId: 'e', id: 'x'.repeat(128) },
  { eventId: 'e', id: ' spaced ~ punctuation! ' },
  { eventId: 'e', id: 'u', idToken: 't' },
  // Valid, but not for the quick check: the pipe decides.
  { eventId: 'e', id: 'ünïcødé 名前 🎟️' },
  { eventId: 'e', id: '\uFE0F' },
  // Invalid.
  { eventId: 'e', id: 'x'.repeat(129) },
  { eventId: 'e', id: '' },
  { eventId: 'e', id: 'bad\nid' },
  { eventId: 'e', id: 'bad\u007fid' },
  { eventId: 'e', id: null },
  { eventId: 'e', id: 7 },
  { eventId: 'e', idToken: '' },
  { eventId: 'e', idToken: 'x'.repeat(4097) },
  { eventId: 'has space' },
  { eventId: 'x'.repeat(65) },
  { eventId: 42 },
  { id: 'u' },
  { eventId: 'e', extra: true },
  { eventId: 'e', id: 'u', extra: undefined },
  [],
  'just a string',
  null,
  undefined,
  Object.assign(Object.create({ inherited: 1 }), { eventId: 'e' }),
];

describe('plainEnterBody', () => {
  it('passes the usual bodies as they are', () => {
    expect(plainEnterBody({ eventId: 'concert-2026', id: 'user-123' })).toEqual({ eventId: 'concert-2026', id: 'user-123', idToken: undefined });
    expect(plainEnterBody({ eventId: 'concert-2026' })).toEqual({ eventId: 'concert-2026', id: undefined, idToken: undefined });
  });

  it.each(BODIES.map((body, i) => [i, body]))('body %i: accepts only what EnterDto accepts, with the same values', async (_i, body) => {
    const quick = plainEnterBody(body);
    if (quick === null) return; // the pipe answers it, whatever it is
    const piped = await viaPipe(body);
    expect(piped).not.toBe('refused');
    expect(fields(quick)).toEqual(fields(piped as EnterDto));
  });

  it('leaves every invalid body and every body with other characters to the pipe', () => {
    const leftToPipe = BODIES.slice(6);
    for (const body of leftToPipe) expect(plainEnterBody(body)).toBeNull();
  });
});
