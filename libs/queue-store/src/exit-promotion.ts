/**
 * The most waiters an exit takes off the line to fill the slot it frees, in the same atomic step
 * (ARGV[4] of exit-9.lua; `EventQueue.exit` in the memory store). Defined here only.
 *
 * 100, the scheduler's batch (BATCH in queue-scheduler.ts), because an exit is a promotion too: a
 * 100-pop promotion holds Redis about 1.5 ms, a 1,000-pop one 11–14 ms, which showed in the polls'
 * p99. An exit pops that many when limitCnt was raised and the scheduler has not filled the room
 * yet, or when stale waiters sit at the head. The exit must still admit the next live waiter in the
 * same step, skipping the stale heads before it: 100 lets it skip 99, and the sweep abandons stale
 * waiters every tick (before promoting), so a longer run at the head is rare. When there is one, the
 * freed slot waits for the next tick's promote; it is never lost.
 */
export const EXIT_PROMOTE_MAX = 100;
