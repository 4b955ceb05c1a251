/**
 * The most waiters one atomic step takes off the line: a scheduler batch and an exit alike. A
 * 100-pop promotion holds Redis about 1.5 ms; a 1,000-pop one 11–14 ms, which showed in the polls'
 * p99. Every store call that pops waiters is bounded by this one number.
 */
export const PROMOTION_BATCH = 100;
