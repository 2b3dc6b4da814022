/**
 * The live overview: one EventSource on `api/events` (an `overview` event at once and whenever the counts
 * change), shared by every page. When the stream errors twice in a row, or is refused outright (a platform that
 * cuts long responses, a proxy that buffers), it falls back to polling `api/overview` every 2 s. Pages subscribe with {@link useOverview}.
 */
import { useEffect, useState } from 'preact/hooks';
import { apiUrl, errorText, get } from './api.js';
import type { Overview } from './types.js';

/** How the page gets its counts. */
export type LiveMode = 'connecting' | 'live' | 'polling' | 'offline';

/** What subscribers see. */
export interface LiveState {
  overview: Overview | null;
  mode: LiveMode;
  error: string | null;
}

/** Poll interval of the fallback, in ms. */
export const POLL_MS = 2000;

let state: LiveState = { overview: null, mode: 'connecting', error: null };
const listeners = new Set<(s: LiveState) => void>();
let started = false;

function set(next: Partial<LiveState>): void {
  state = { ...state, ...next };
  for (const l of listeners) l(state);
}

function startStream(): void {
  let errors = 0;
  const es = new EventSource(apiUrl('api/events'));
  es.addEventListener('overview', (ev) => {
    errors = 0;
    try {
      set({ overview: JSON.parse((ev as MessageEvent<string>).data) as Overview, mode: 'live', error: null });
    } catch (e) {
      set({ error: `bad overview event: ${errorText(e)}` });
    }
  });
  es.addEventListener('error', () => {
    errors += 1;
    // CLOSED: the browser gave up (an answer that is not an event stream, such as a 502 from a platform that
    // does not stream); it will not reconnect by itself. Else it reconnects: give up after two errors in a row.
    if (es.readyState === EventSource.CLOSED || errors >= 2) {
      es.close();
      startPolling();
    }
  });
}

function startPolling(): void {
  set({ mode: 'polling' });
  const tick = async (): Promise<void> => {
    try {
      set({ overview: await get<Overview>('api/overview'), mode: 'polling', error: null });
    } catch (e) {
      set({ mode: 'offline', error: errorText(e) });
    }
    setTimeout(tick, POLL_MS);
  };
  void tick();
}

/** Start the live overview once (the stream, or polling when EventSource is missing). */
export function startLive(): void {
  if (started) return;
  started = true;
  if (typeof EventSource === 'function') startStream();
  else startPolling();
}

/** The live overview state; re-renders the component when it changes. */
export function useOverview(): LiveState {
  const [s, setS] = useState(state);
  useEffect(() => {
    listeners.add(setS);
    setS(state);
    return () => {
      listeners.delete(setS);
    };
  }, []);
  return s;
}

/** Fetch the overview now (after an action), without waiting for the next event. */
export async function refreshOverview(): Promise<void> {
  try {
    set({ overview: await get<Overview>('api/overview') });
  } catch {
    // the stream or the next poll will bring it
  }
}
