import 'reflect-metadata';
import { createValidationPipe } from '@foyer/platform';
import { EnterDto, idempotencyKeyOf, plainEnterBody } from './enter.dto.js';

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

describe('idempotencyKeyOf', () => {
  it('passes a key of 16 to 128 printable ASCII characters, and no header at all', () => {
    expect(idempotencyKeyOf(undefined)).toBeUndefined();
    expect(idempotencyKeyOf('0123456789abcdef')).toBe('0123456789abcdef');
    expect(idempotencyKeyOf(' ~'.repeat(64))).toBe(' ~'.repeat(64));
  });

  it.each([
    ['short', '0123456789abcde'],
    ['long', 'k'.repeat(129)],
    ['non-ASCII', 'clé-0123456789abcdef'],
    ['control', 'key\t0123456789abcdef'],
    ['repeated', ['0123456789abcdef', '0123456789abcdef']],
  ])('refuses a %s key with 400 VALIDATION_FAILED naming the header', (_what, header) => {
    expect(() => idempotencyKeyOf(header)).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED', extra: { details: [expect.objectContaining({ field: 'Idempotency-Key' })] } }),
    );
  });
});
