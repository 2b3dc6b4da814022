/**
 * Short messages after an action ("Redrove 3 jobs", or the server's error line), shown at the top right for a
 * few seconds. `notify(text, kind)` from anywhere; {@link NoticeHost} renders them, once, at the root.
 */
import { useEffect, useState } from 'preact/hooks';

/** One message. */
interface Note {
  id: number;
  text: string;
  kind: 'ok' | 'error';
}

let push: ((n: Note) => void) | null = null;
let next = 1;

/** Show `text` (an error stays until dismissed). */
export function notify(text: string, kind: 'ok' | 'error' = 'ok'): void {
  push?.({ id: next++, text, kind });
}

/** The message stack. */
export function NoticeHost() {
  const [notes, setNotes] = useState<Note[]>([]);
  useEffect(() => {
    push = (n) => {
      setNotes((all) => [...all.slice(-4), n]);
      if (n.kind === 'ok') setTimeout(() => setNotes((all) => all.filter((x) => x.id !== n.id)), 4000);
    };
    return () => {
      push = null;
    };
  }, []);
  return (
    <div class="notices" role="status" aria-live="polite">
      {notes.map((n) => (
        <div key={n.id} class={`notice ${n.kind}`}>
          <span>{n.text}</span>
          <button
            type="button"
            class="link"
            aria-label="Dismiss"
            onClick={() => setNotes((all) => all.filter((x) => x.id !== n.id))}
          >
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
