/**
 * The one `sleep` and the one `waitFor` of every test in the repository (integration, cluster, faults and the
 * packages' unit tests). No Redis and no vitest hooks here, so any test file may import it.
 *
 * Tests wait for an observable condition with `waitFor`; `sleep` is for pacing a load or a fault, or for a window
 * in which something must NOT happen, never for letting time pass before asserting on it.
 */

/** Resolve after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** How long {@link waitFor} waits by default: long enough for a machine whose cores are busy with other work. */
export const WAIT_MS = 15_000;

/**
 * Poll `check` every `everyMs` (default 20) until it returns a truthy value, then return it; a check that throws
 * counts as not yet. After `timeoutMs` (default {@link WAIT_MS}) throw an error naming `what` and the last error.
 */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = WAIT_MS,
  everyMs = 20,
): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await sleep(everyMs);
  }
}

/** Like {@link waitFor}, but answers how many ms the condition took to hold, or null if it did not within `maxMs`. */
export async function msUntil(check: () => Promise<boolean>, maxMs: number, everyMs = 100): Promise<number | null> {
  const t0 = Date.now();
  try {
    await waitFor(check, 'condition', maxMs, everyMs);
    return Date.now() - t0;
  } catch {
    return null;
  }
}
