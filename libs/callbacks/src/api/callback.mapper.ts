import type { CallbackMessage } from '../message/callback-message.js';
import type { AttemptRecord } from '../store/callback-messages.repository.js';
import type { AcceptedCallbackDto, CallbackAttemptDto, CallbackDto } from './callback.dto.js';

export function toAcceptedDto(message: CallbackMessage, duplicate: boolean): AcceptedCallbackDto {
  return { messageId: message.messageId, groupId: message.groupId, status: message.status, duplicate };
}

export function toCallbackDto(message: CallbackMessage): CallbackDto {
  return {
    messageId: message.messageId,
    groupId: message.groupId,
    callbackUrl: message.callbackUrl,
    status: message.status,
    onDead: message.onDead,
    attempts: message.attempts,
    lastStatusCode: message.lastStatusCode,
    lastError: message.lastError,
    webhookId: message.webhookId,
    nextAttemptAt: message.nextAttemptAt.toISOString(),
    createdAt: message.createdAt.toISOString(),
    processedAt: message.processedAt?.toISOString() ?? null,
    processedStatus: message.processedStatus,
  };
}

export function toAttemptDto(attempt: AttemptRecord): CallbackAttemptDto {
  return { ...attempt, startedAt: attempt.startedAt.toISOString() };
}
