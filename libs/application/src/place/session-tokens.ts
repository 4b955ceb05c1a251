import type { Place, QueueOperations, Session } from '@foyer/domain';
import type { SuccessTokenSigner } from '../ports/visitor-tokens.js';

/**
 * One session, one successToken: ES256 signatures are randomised, so the first token signed for a
 * session is stored beside it and every later ENTER answer (from any replica) returns that one.
 */
export class SessionTokens {
  constructor(
    private readonly store: Pick<QueueOperations, 'saveSuccessToken'>,
    private readonly signer: SuccessTokenSigner,
  ) {}

  /** The session's token, signing and saving it when it has none; `null` when the session is over. */
  async tokenFor(place: Place, session: Session): Promise<string | null> {
    if (session.successToken) return session.successToken;
    const signed = await this.signer.sign({
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
