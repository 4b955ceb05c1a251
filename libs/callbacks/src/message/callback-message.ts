import { createHash, randomBytes } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';

export const CALLBACK_STATUSES = ['PENDING', 'PROCESSING', 'DONE', 'DEAD', 'SKIPPED'] as const;
export type CallbackStatus = (typeof CALLBACK_STATUSES)[number];

export const ON_DEAD = ['CONTINUE', 'HALT'] as const;
/** What a group does when one of its messages is dead-lettered. */
export type OnDead = (typeof ON_DEAD)[number];

export type ProcessedStatus = 'SUCCEEDED' | 'FAILED';

/** A message as the status routes show it. */
export interface CallbackMessage {
  /** Internal, increasing in acceptance order: the list cursor. */
  pk: bigint;
  messageId: string;
  groupId: string;
  seq: bigint;
  webhookId: string;
  callbackUrl: string;
  /** The exact JSON text that is delivered and signed. */
  body: string;
  onDead: OnDead;
  status: CallbackStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: Date;
  processedAt: Date | null;
  processedStatus: ProcessedStatus | null;
}

/** What a producer asks for; `body` is already the JSON text to deliver. */
export interface NewCallback {
  messageId: string;
  groupId: string;
  callbackUrl: string;
  body: string;
  onDead: OnDead;
  /** SHA-256 of the content that decides "same message" (see `contentHash`). */
  contentHash: string;
}

/**
 * The fingerprint of a message's content: a repeated `messageId` with the same fingerprint is a
 * duplicate, with another one a conflict. The body counts as JSON (key order and formatting aside).
 */
export function contentHash(content: { callbackUrl: string; groupId: string; onDead: OnDead; body: unknown }): string {
  const text = canonicalJson({
    body: content.body,
    callbackUrl: content.callbackUrl,
    groupId: content.groupId,
    onDead: content.onDead,
  });
  return createHash('sha256').update(text).digest('hex');
}

/** `msg_` and 22 random base64url characters: made by the server, never the caller's text. */
export function newWebhookId(): string {
  return `msg_${randomBytes(16).toString('base64url')}`;
}

/** The messageId the server makes for a message posted without one. */
export function newMessageId(): string {
  return `cb_${randomBytes(16).toString('base64url')}`;
}

/** The limits of ids callers choose. */
export const MESSAGE_ID_MAX = 200;
export const GROUP_ID_MAX = 256;

/** Printable ASCII without spaces, so a messageId sits in a URL path and a header unchanged. */
export const MESSAGE_ID_PATTERN = /^[\x21-\x7e]{1,200}$/;

/**
 * Prefixes of messageIds the server makes for other producers: ingest routes (`{routeId}:{key}`)
 * and lifecycle notifications (`journal:{offset}`). A caller's own id may not use them, so the
 * namespaces never collide.
 */
export const RESERVED_MESSAGE_ID = /^(journal:|rt_[^:]*:)/;

/** Any text without control characters: user ids (and so `{eventId}:{id}` groups) may be any Unicode. */
export const GROUP_ID_PATTERN = /^[^\u0000-\u001f\u007f-\u009f]{1,256}$/u;

export function isGroupId(value: string): boolean {
  return value.length >= 1 && value.length <= GROUP_ID_MAX && GROUP_ID_PATTERN.test(value);
}
