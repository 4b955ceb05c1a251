/** The shim's `k6/metrics`: custom metrics whose samples go into the run's summary and thresholds. */
import type { MetricType } from '../protocol.js';
import { addSample, declaredMetrics } from './vu-runtime.js';

const NAME = /^[\p{L}\p{N}._!?/&#()<>%-]{1,128}$/u;

abstract class Metric {
  private readonly contains: 'time' | 'default';

  protected constructor(
    readonly name: string,
    isTime: boolean,
    private readonly type: MetricType,
  ) {
    if (!NAME.test(name)) throw new Error(`invalid metric name '${name}'`);
    this.contains = isTime && type === 'trend' ? 'time' : 'default';
    declaredMetrics.set(name, { type, contains: this.contains });
  }

  add(value: number | boolean, tags?: Record<string, unknown>): void {
    addSample(this.name, this.type, this.contains, Number(value), tags);
  }
}

export class Counter extends Metric {
  constructor(name: string, isTime = false) {
    super(name, isTime, 'counter');
  }
}

export class Gauge extends Metric {
  constructor(name: string, isTime = false) {
    super(name, isTime, 'gauge');
  }
}

export class Rate extends Metric {
  constructor(name: string, isTime = false) {
    super(name, isTime, 'rate');
  }

  override add(value: number | boolean, tags?: Record<string, unknown>): void {
    super.add(value ? 1 : 0, tags);
  }
}

export class Trend extends Metric {
  constructor(name: string, isTime = false) {
    super(name, isTime, 'trend');
  }
}
