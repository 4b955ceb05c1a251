import { MessageChannel, Worker } from 'node:worker_threads';
import { performHttp } from './http-bridge.js';
import type { FromWorker, HttpRequestMessage, ToWorker, WorkerSetup } from './protocol.js';

type Ready = Extract<FromWorker, { type: 'ready' }>;
export type Done = Extract<FromWorker, { type: 'done' }>;

/** The main thread's handle on one VU worker: start it, ask it one thing at a time, end it. */
export class VuHandle {
  busy = false;
  private pending: { resolve(done: Done): void; reject(err: Error): void } | null = null;
  private failure: Error | null = null;

  private constructor(
    readonly id: number,
    private readonly worker: Worker,
    private readonly closePort: () => void,
  ) {}

  static start(options: {
    id: number;
    workerUrl: string;
    scriptUrl: string;
    scriptDir: string;
    env: Record<string, string>;
    setupData?: unknown;
  }): Promise<{ vu: VuHandle; ready: Ready }> {
    const channel = new MessageChannel();
    const signal = new SharedArrayBuffer(4);
    const flag = new Int32Array(signal);
    channel.port1.on('message', (request: HttpRequestMessage) => {
      void performHttp(request).then((answer) => {
        try {
          channel.port1.postMessage(answer);
        } catch {
          return; // the VU was ended while its request was in flight
        }
        Atomics.store(flag, 0, 1);
        Atomics.notify(flag, 0);
      });
    });
    const setup: WorkerSetup = {
      vuId: options.id,
      scriptUrl: options.scriptUrl,
      scriptDir: options.scriptDir,
      env: options.env,
      setupData: options.setupData,
      syncPort: channel.port2,
      signal,
    };
    const worker = new Worker(new URL(options.workerUrl), {
      workerData: setup,
      transferList: [channel.port2],
    });
    const vu = new VuHandle(options.id, worker, () => channel.port1.close());
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => {
        vu.fail(err);
        reject(err);
      };
      worker.once('error', onError);
      worker.once('message', (message: FromWorker) => {
        worker.off('error', onError);
        worker.on('error', (err: Error) => vu.fail(err));
        worker.on('message', (m: FromWorker) => vu.receive(m));
        worker.on('exit', (code) => vu.fail(new Error(`VU ${options.id} exited (${code})`)));
        if (message.type !== 'ready') reject(new Error(`VU ${options.id} did not start: ${JSON.stringify(message)}`));
        else resolve({ vu, ready: message });
      });
    });
  }

  /** Sends one request and waits for its answer (a VU does one thing at a time). */
  send(message: ToWorker): Promise<Done> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.pending) return Promise.reject(new Error(`VU ${this.id} is busy`));
    return new Promise<Done>((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(message);
    });
  }

  async terminate(): Promise<void> {
    this.closePort();
    await this.worker.terminate();
  }

  private receive(message: FromWorker): void {
    const pending = this.pending;
    this.pending = null;
    if (message.type === 'done') pending?.resolve(message);
  }

  private fail(err: Error): void {
    this.failure ??= err;
    const pending = this.pending;
    this.pending = null;
    pending?.reject(err);
  }
}
