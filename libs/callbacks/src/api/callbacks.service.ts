import { Injectable } from '@nestjs/common';
import { FoyerError, validationFailed } from '@foyer/domain';
import {
  contentHash,
  newMessageId,
  RESERVED_MESSAGE_ID,
  type CallbackMessage,
  type CallbackStatus,
  type NewCallback,
  type OnDead,
} from '../message/callback-message.js';
import { CallbackUrlPolicy } from '../security/callback-url-policy.js';
import { CallbackMessagesRepository, type AttemptRecord } from '../store/callback-messages.repository.js';
import { CallbackWakeups } from '../dispatcher/callback-wakeups.js';

export interface PostCallback {
  callbackUrl: string;
  groupId: string;
  /** Any JSON value. */
  body: unknown;
  messageId?: string;
  onDead?: OnDead;
}

export interface Accepted {
  message: CallbackMessage;
  duplicate: boolean;
}

export const callbackNotFound = (messageId: string) => new FoyerError('CALLBACK_NOT_FOUND', `callback '${messageId}' does not exist`);

/** Accepting messages (from the API, ingest routes) and the status, list, retry and skip routes. */
@Injectable()
export class CallbacksService {
  constructor(
    private readonly messages: CallbackMessagesRepository,
    private readonly policy: CallbackUrlPolicy,
    private readonly wakeups: CallbackWakeups,
  ) {}

  async post(input: PostCallback): Promise<Accepted> {
    if (input.messageId !== undefined && RESERVED_MESSAGE_ID.test(input.messageId)) {
      throw validationFailed([
        { field: 'messageId', message: 'messageIds starting with "journal:" or "rt_…:" are reserved for notifications and ingest routes' },
      ]);
    }
    await this.policy.check(input.callbackUrl);
    const onDead = input.onDead ?? 'CONTINUE';
    return this.accept({
      messageId: input.messageId ?? newMessageId(),
      groupId: input.groupId,
      callbackUrl: input.callbackUrl,
      body: JSON.stringify(input.body),
      onDead,
      contentHash: contentHash({ callbackUrl: input.callbackUrl, groupId: input.groupId, onDead, body: input.body }),
    });
  }

  /** Stores a message whose URL is already checked: new (202), duplicate (200) or conflict (409). */
  async accept(message: NewCallback): Promise<Accepted> {
    const outcome = await this.messages.accept(message);
    if (outcome.inserted) {
      this.wakeups.announce();
      return { message: outcome.message, duplicate: false };
    }
    if (!outcome.sameContent) {
      throw new FoyerError(
        'MESSAGE_ID_CONFLICT',
        `messageId '${message.messageId}' was accepted before with other content (callbackUrl, groupId, onDead or body)`,
      );
    }
    return { message: outcome.message, duplicate: true };
  }

  async get(messageId: string): Promise<CallbackMessage> {
    const message = await this.messages.find(messageId);
    if (!message) throw callbackNotFound(messageId);
    return message;
  }

  async attempts(messageId: string): Promise<AttemptRecord[]> {
    return this.messages.attempts((await this.get(messageId)).pk);
  }

  list(query: { status?: CallbackStatus; groupId?: string; after?: string; limit: number }): Promise<CallbackMessage[]> {
    return this.messages.list({
      status: query.status,
      groupId: query.groupId,
      after: query.after === undefined ? undefined : BigInt(query.after),
      limit: query.limit,
    });
  }

  retry(messageId: string): Promise<CallbackMessage> {
    return this.replay(messageId, () => this.messages.retry(messageId));
  }

  skip(messageId: string): Promise<CallbackMessage> {
    return this.replay(messageId, () => this.messages.skip(messageId));
  }

  private async replay(messageId: string, change: () => ReturnType<CallbackMessagesRepository['retry']>): Promise<CallbackMessage> {
    const outcome = await change();
    if (!outcome.found) throw callbackNotFound(messageId);
    if (!outcome.wasDead) {
      const current = await this.messages.find(messageId);
      throw new FoyerError('CALLBACK_NOT_DEAD', `callback '${messageId}' is ${current?.status ?? 'gone'}, not DEAD`);
    }
    this.wakeups.announce();
    return outcome.message;
  }
}
