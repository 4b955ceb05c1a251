/** A customer's user id: 1..128 characters, none of them a control character (C0, DEL, C1). */
export const USER_ID_PATTERN = /^[^\u0000-\u001f\u007f-\u009f]{1,128}$/u;
export const MAX_USER_ID_LENGTH = 128;

export function isUserId(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= MAX_USER_ID_LENGTH && USER_ID_PATTERN.test(value);
}
