import { PROMOTION_BATCH } from '@foyer/domain';

/**
 * The most waiters an exit takes off the line to fill the slot it frees, in the same atomic step
 * (ARGV[4] of exit-9.lua; `EventQueue.exit` in the memory store). Defined here only.
 *
 * The domain's PROMOTION_BATCH, the scheduler's batch too, because an exit is a promotion. An exit
 * pops that many when limitCnt was raised and the scheduler has not filled the room yet, or when stale waiters sit at the head. The exit must still admit the next live waiter in the
 * same step, skipping the stale heads before it: 100 lets it skip 99, and the sweep abandons stale
 * waiters every tick (before promoting), so a longer run at the head is rare. When there is one, the
 * freed slot waits for the next tick's promote; it is never lost.
 */
export const EXIT_PROMOTE_MAX = PROMOTION_BATCH;
