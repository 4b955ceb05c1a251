import { EventHistory } from './event-history.js';

describe('EventHistory', () => {
  const at = (ms: number) => new Date(ms).toISOString();

  it('folds the journal into the line, sessions, blocks and totals; entries of another epoch are skipped', () => {
    const history = new EventHistory('e1');
    history.apply('user.entered', 'a', { seq: 1, epoch: 'e1' });
    history.apply('user.entered', 'b', { seq: 2, epoch: 'e1', idem: 'k'.repeat(64) });
    history.apply('user.entered', 'c', { seq: 3, epoch: 'e1' });
    history.apply('user.admitted', 'a', { seq: 1, epoch: 'e1', admittedAt: at(1_000), expiresAt: at(61_000) });
    history.apply('user.admitted', 'b', { seq: 2, epoch: 'e1', admittedAt: 2_000, expiresAt: 62_000 }); // the outbox's numbers
    history.apply('user.exited', 'a', { seq: 1, epoch: 'e1' });
    history.apply('user.entered', 'old', { seq: 99, epoch: 'e0' });
    history.apply('event.updated', null, { changes: {} });

    const [chunk] = [...history.chunks(10)];
    expect(chunk).toEqual({
      waiting: [['c', 3]],
      sessions: [['b', 2, 2_000, 62_000]],
      done: [['a', 1, 'X']],
      idem: [['k'.repeat(64), 'b']],
    });
    expect(history.maxSeq).toBe(3);
    expect(history.counters()).toEqual({ admittedTotal: 2, exitedTotal: 1, expiredTotal: 0, abandonedTotal: 0 });
  });

  it('ends places taken before a close, keeps the lost ranges, and survives a checkpoint', () => {
    const history = new EventHistory('e1');
    for (let seq = 1; seq <= 4; seq++) history.apply('user.entered', `w${seq}`, { seq, epoch: 'e1' });
    history.apply('queue.configured', null, { closedSeq: 2, epoch: 'e1' });
    history.apply('queue.configured', null, { closedSeq: 2, seq: 100, lost: [[5, 100]], epoch: 'e1' });
    history.apply('user.abandoned', 'w3', { seq: 3, epoch: 'e1' });

    const restored = EventHistory.fromCheckpoint('e1', JSON.parse(JSON.stringify(history.toCheckpointState())));
    expect([...restored.chunks(10)][0].waiting).toEqual([['w4', 4]]);
    expect(restored.lost).toEqual([[5, 100]]);
    expect(restored.maxSeq).toBe(100);
    expect(restored.closedSeq).toBe(2);
    expect(restored.counters().abandonedTotal).toBe(1);
  });

  it('writes the line in arrival order in chunks of the size asked', () => {
    const history = new EventHistory('e1');
    for (const seq of [5, 1, 3, 2, 4]) history.apply('user.entered', `w${seq}`, { seq, epoch: 'e1' });
    const chunks = [...history.chunks(2)];
    expect(chunks.map((chunk) => chunk.waiting)).toEqual([
      [
        ['w1', 1],
        ['w2', 2],
      ],
      [
        ['w3', 3],
        ['w4', 4],
      ],
      [['w5', 5]],
    ]);
  });
});
