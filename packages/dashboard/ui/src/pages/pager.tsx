/** The pager under a cursor-paged list (a queue's jobs, the dead letters): First, Previous, Next and the page number. */
import type { ComponentChildren } from 'preact';

/** Props of {@link Pager}. */
export interface PagerProps {
  /** Cursors of the pages before this one, oldest first (empty on the first page). */
  cursors: string[];
  /** Replace the cursor stack (to go back, forward or to the first page). */
  setCursors: (c: string[]) => void;
  /** Cursor of the next page, if there is one. */
  next: string | null | undefined;
  /** Shown after the page number (e.g. what the page scanned). */
  children?: ComponentChildren;
}

/** First, Previous and Next over a stack of cursors, and "page N". */
export function Pager({ cursors, setCursors, next, children }: PagerProps) {
  return (
    <div class="pager">
      <button type="button" disabled={cursors.length === 0} onClick={() => setCursors([])}>
        First
      </button>
      <button type="button" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
        Previous
      </button>
      <button type="button" disabled={!next} onClick={() => next && setCursors([...cursors, next])}>
        Next
      </button>
      <span class="muted">
        page {cursors.length + 1}
        {children}
      </span>
    </div>
  );
}
