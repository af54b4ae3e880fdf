/**
 * Work one bot instance runs beside its chats, such as a ledger export: at most one task per key at a time, and a
 * way to wait for all of them (shutdown, tests). Each instance has its own, so two bots in one process never wait
 * for, or skip, each other's work.
 */
export class BackgroundTasks {
  private readonly running = new Map<string, Promise<void>>();

  /** `afterEach` is called when a task ends, so the messages it queued go out at once (the outbox). */
  constructor(private readonly afterEach: () => void = () => {}) {}

  /** Starts `work` under `key` unless a task with that key is still running. */
  start(key: string, work: () => Promise<void>): void {
    if (this.running.has(key)) return;
    const task = work().finally(() => {
      this.running.delete(key);
      this.afterEach();
    });
    this.running.set(key, task);
  }

  /** Resolves once no task is running, including tasks started while waiting. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
  }
}
