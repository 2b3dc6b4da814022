/**
 * A cheap abort source for one job run. Most runs finish without ever being aborted and most handlers never
 * read `ctx.signal`, so the `AbortController` behind {@link RunSignal.signal} is made only on first read, and
 * listeners are plain callbacks: no EventTarget work per job on the hot path.
 */

/** Aborts one run: the pool interrupts it (shutdown, lease lost), the run aborts itself on timeout. */
export class RunSignal {
  private _aborted = false;
  private _reason: unknown;
  private ctrl: AbortController | undefined;
  private listeners: Array<(reason: unknown) => void> | undefined;
  /** The run this signal cuts short, told first on abort (one slot: no listener array per job). Default none. */
  owner: { interrupted(reason: unknown): void } | undefined;

  /** True once aborted. */
  get aborted(): boolean {
    return this._aborted;
  }

  /** Why it was aborted (undefined until then). */
  get reason(): unknown {
    return this._reason;
  }

  /** A standard AbortSignal that follows this one (made on first read). */
  get signal(): AbortSignal {
    if (!this.ctrl) {
      this.ctrl = new AbortController();
      if (this._aborted) this.ctrl.abort(this._reason);
    }
    return this.ctrl.signal;
  }

  /** Abort with `reason` (only the first call counts). */
  abort(reason: unknown): void {
    if (this._aborted) return;
    this._aborted = true;
    this._reason = reason;
    const owner = this.owner;
    this.owner = undefined;
    owner?.interrupted(reason);
    this.ctrl?.abort(reason);
    const ls = this.listeners;
    this.listeners = undefined;
    for (const l of ls ?? []) l(reason);
  }

  /** Call `listener` on abort (at once if already aborted); returns a function that removes it. */
  onAbort(listener: (reason: unknown) => void): () => void {
    if (this._aborted) {
      listener(this._reason);
      return () => {};
    }
    this.listeners ??= [];
    this.listeners.push(listener);
    return () => {
      const i = this.listeners?.indexOf(listener) ?? -1;
      if (i >= 0) this.listeners?.splice(i, 1);
    };
  }
}
