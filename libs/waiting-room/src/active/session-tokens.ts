import { Inject, Injectable } from '@nestjs/common';
import type { Place, QueueStore, Session } from '@foyer/domain';
import { QUEUE_STORE } from '@foyer/platform';
import { SuccessTokens } from '@foyer/tokens';

/**
 * One session, one successToken: ES256 signatures are randomised, so the first token signed for a
 * session is stored beside it and every later ENTER answer (from any replica) returns that one.
 */
@Injectable()
export class SessionTokens {
  constructor(
    @Inject(QUEUE_STORE) private readonly store: QueueStore,
    private readonly successTokens: SuccessTokens,
  ) {}

  /** The session's token, signing and saving it when it has none; `null` when the session is over. */
  async tokenFor(place: Place, session: Session): Promise<string | null> {
    if (session.successToken) return session.successToken;
    const signed = await this.successTokens.sign({
      eventId: place.eventId,
      id: place.id,
      seq: place.seq,
      epoch: place.epoch,
      admittedAt: session.admittedAt,
      expiresAt: session.expiresAt,
    });
    return this.store.saveSuccessToken(place, signed);
  }
}
