/**
 * A push endpoint that refuses the dispatcher (401/403) is misconfigured, not handed a bad job: every job would
 * fail the same way. This tracker backs the whole dispatcher off (1 s doubling to 1 min; concurrent refusals of one
 * round count once), holds jobs back without POSTing them while it waits, and logs one error per interval that
 * names the likely cause. The jobs are retried without counting an attempt (DeferJob), so they are kept however
 * long the misconfiguration lasts. Pure apart from the log it is handed; the clock is injected.
 */

/** Settings of {@link AuthRefusals}. */
export interface AuthRefusalOptions {
  /** First back-off in ms (default 1000); it doubles on each refused round. */
  baseMs?: number;
  /** Longest back-off in ms (default 60000). */
  maxMs?: number;
  /** Shortest time between two error lines in ms (default 60000). */
  logEveryMs?: number;
}

/** Where the tracker writes its error line. */
export interface RefusalLog {
  error(fields: Record<string, unknown>, msg: string): void;
}

/** The likely cause of a refusal, from its status and the reason the endpoint gave. */
export function refusalCause(status: number, reason: string): string {
  if (/timestamp/i.test(reason)) {
    return 'clock skew: the clocks of the dispatcher and the handler differ by more than the tolerance (check NTP)';
  }
  if (status === 403) {
    return 'something in front of the handler (an API gateway, a WAF, deployment protection) refuses the request; pass its credentials with `headers`';
  }
  if (/signature|secret/i.test(reason)) {
    return "secret mismatch: the dispatcher signs with the first of its secrets (--secret-env); the handler's `secrets` must include it";
  }
  return "secret mismatch (the handler must accept the dispatcher's first secret) or clock skew between the two hosts";
}

/** Back-off and logging of refusals for one dispatcher. */
export class AuthRefusals {
  private rounds = 0;
  private until = 0;
  private lastLog = Number.NEGATIVE_INFINITY;
  private held = 0;
  private readonly baseMs: number;
  private readonly maxMs: number;
  private readonly logEveryMs: number;

  constructor(
    /** Monotonic clock in ms. */
    private readonly now: () => number,
    o: AuthRefusalOptions = {},
  ) {
    this.baseMs = o.baseMs ?? 1000;
    this.maxMs = o.maxMs ?? 60_000;
    this.logEveryMs = o.logEveryMs ?? 60_000;
  }

  /** Ms to hold a job back before POSTing it (0: send it now). Counts the job as held when > 0. */
  holdMs(): number {
    const ms = Math.max(0, this.until - this.now());
    if (ms > 0) this.held++;
    return ms;
  }

  /** The endpoint answered something other than 401/403: it accepts the dispatcher again. */
  accepted(): void {
    this.rounds = 0;
    this.until = 0;
  }

  /**
   * The endpoint answered 401/403 (`where` names it, without credentials): back off, log at most once per
   * interval, and return the ms until this job may be sent again.
   */
  refused(status: number, reason: string, where: string, log: RefusalLog): number {
    const now = this.now();
    if (now >= this.until) {
      this.until = now + Math.min(this.maxMs, this.baseMs * 2 ** Math.min(this.rounds, 30));
      this.rounds++;
    }
    this.held++;
    const retryInMs = this.until - now;
    if (now - this.lastLog >= this.logEveryMs) {
      this.lastLog = now;
      log.error(
        { status, reason, cause: refusalCause(status, reason), jobsHeld: this.held, retryInMs },
        `${where} refused the dispatcher (${status}: ${reason}); likely cause: ${refusalCause(status, reason)}. Jobs are kept and retried without counting an attempt (next try in ${retryInMs} ms)`,
      );
      this.held = 0;
    }
    return retryInMs;
  }
}
