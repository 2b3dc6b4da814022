/** Promises that resolve once a condition holds (checked on {@link Waiters.notify}) or a signal aborts. */
export class Waiters {
  private list: Array<() => void> = [];

  /** `ready`: the condition a waiter waits for. */
  constructor(private readonly ready: () => boolean) {}

  /** Resolves when `ready()` holds (now, or at a later notify) or `signal` aborts. */
  wait(signal: AbortSignal): Promise<void> {
    if (signal.aborted || this.ready()) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        signal.removeEventListener('abort', done);
        resolve();
      };
      this.list.push(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /** Resolve every waiter when `ready()` holds. */
  notify(): void {
    if (this.list.length === 0 || !this.ready()) return;
    const waiters = this.list;
    this.list = [];
    for (const w of waiters) w();
  }
}
