import type { MachineInfo } from './machine.js';
import type { CallbackFigures } from './measure/callbacks.js';
import type { ProfileFigures } from './measure/cpu-profile.js';
import type { EnterFigures } from './measure/enter.js';
import type { EnterKeyMemoryFigures } from './measure/enter-key-memory.js';
import type { EstimateAccuracy } from './measure/estimate-accuracy.js';
import type { JournalLagFigures } from './measure/journal-lag.js';
import type { MemoryFigures } from './measure/memory.js';
import type { PollFigures } from './measure/poll.js';
import type { PromotionFigures } from './measure/promotion.js';
import type { RebuildFigures } from './measure/rebuild.js';
import type { ScaleOutFigures } from './measure/scale-out.js';
import type { BenchPlan } from './plan.js';

/** Everything one run measured; a step that failed or was skipped is absent and named in `problems`. */
export interface BenchResults {
  plan: BenchPlan;
  machine: MachineInfo;
  note: string | null;
  startedAt: Date;
  finishedAt: Date;
  memory?: MemoryFigures;
  /** Redis bytes per waiter with and without Idempotency-Keys, through the enter script. */
  enterKeyMemory?: EnterKeyMemoryFigures;
  polls: PollFigures[];
  /** CPU profiles under load: Foyer and the floor, poll and enter. */
  profiles: ProfileFigures[];
  scaleOut?: ScaleOutFigures | { skipped: string };
  promotion?: PromotionFigures;
  enter?: EnterFigures;
  journalLag?: JournalLagFigures;
  callbacks?: CallbackFigures;
  /** The estimate told at entry against the wait had, in the simulated scenarios. */
  estimates?: EstimateAccuracy[];
  rebuild?: RebuildFigures;
  /** Steps that failed, with the error. */
  problems: { step: string; message: string }[];
}
