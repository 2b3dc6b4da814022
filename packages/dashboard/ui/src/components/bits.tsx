/** Small shared pieces: state badges, times with their absolute value on hover, loaders, the session context. */
import { createContext } from 'preact';
import { useCallback, useContext, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, errorText } from '../api.js';
import { ago, when } from '../format.js';
import type { Session } from '../types.js';

/** The session (role, read-only) for every page. */
export const SessionContext = createContext<Session | null>(null);

/** Whether the page may act (admin, not read-only). */
export function useCanWrite(): boolean {
  const s = useContext(SessionContext);
  return s !== null && !s.readOnly && s.role === 'admin';
}

/** A job state or a queue status as a small coloured label. */
export function Badge({ kind, children }: { kind: string; children: string }) {
  return <span class={`badge b-${kind}`}>{children}</span>;
}

/** A relative time ("3m ago") with the absolute time as its tooltip. */
export function Ago({ t, now }: { t: number | null | undefined; now?: number }) {
  if (t === null || t === undefined) return <span class="muted">—</span>;
  return (
    <time dateTime={new Date(t).toISOString()} title={when(t)}>
      {ago(t, now)}
    </time>
  );
}

/** What a loader holds. */
export interface Loaded<T> {
  data: T | null;
  error: string | null;
  /** The server does not offer this view in this version (501): `error` says what is missing. */
  unavailable: boolean;
  loading: boolean;
  reload: () => void;
}

/**
 * Load `fn()` when `key` changes and on `reload()`; keeps the last data while reloading (no flicker on live
 * refreshes). A late answer for an old key is dropped.
 */
export function useLoad<T>(fn: (signal: AbortSignal) => Promise<T>, key: string): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [unavailable, setUnavailable] = useState(false);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const lastKey = useRef(key);
  useEffect(() => {
    const ac = new AbortController();
    if (lastKey.current !== key) {
      lastKey.current = key;
      setData(null);
    }
    setLoading(true);
    fn(ac.signal).then(
      (d) => {
        if (ac.signal.aborted) return;
        setData(d);
        setError(null);
        setUnavailable(false);
        setLoading(false);
      },
      (e: unknown) => {
        if (ac.signal.aborted) return;
        setError(errorText(e));
        setUnavailable(e instanceof ApiError && e.status === 501);
        setLoading(false);
      },
    );
    return () => ac.abort();
  }, [key, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, unavailable, loading, reload };
}

/** The current time, refreshed every second (for "ago" columns). */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}

/** An error line for a failed load; a view the server does not offer (501) is a plain note, not an error. */
export function LoadError({ error, unavailable }: { error: string | null; unavailable?: boolean }) {
  if (error && unavailable)
    return (
      <p class="empty" role="note">
        {error.charAt(0).toUpperCase()}
        {error.slice(1)}.
      </p>
    );
  return error ? (
    <p class="error-line" role="alert">
      {error}
    </p>
  ) : null;
}
