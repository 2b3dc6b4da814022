/**
 * Confirmations for destructive actions: `await confirmAction({ title, body, action })` shows a modal dialog and
 * resolves true when the operator confirms. With `typeToConfirm`, the confirm button stays disabled until that
 * text (the queue's name) is typed. Rendered by {@link ConfirmHost}, once, at the root.
 */
import { useEffect, useRef, useState } from 'preact/hooks';

/** What a confirmation asks. */
export interface ConfirmRequest {
  title: string;
  body: string;
  /** Label of the confirm button (e.g. "Purge 3 jobs"). */
  action: string;
  /** Text the operator must type to enable the button. */
  typeToConfirm?: string;
  /** Style the button as dangerous (default true). */
  danger?: boolean;
}

interface Pending extends ConfirmRequest {
  resolve: (ok: boolean) => void;
}

let show: ((p: Pending) => void) | null = null;

/** Ask the operator to confirm; resolves false when cancelled (Escape, Cancel, or no host mounted). */
export function confirmAction(req: ConfirmRequest): Promise<boolean> {
  return new Promise((resolve) => {
    if (!show) resolve(false);
    else show({ ...req, resolve });
  });
}

/** The modal dialog of {@link confirmAction}. */
export function ConfirmHost() {
  const [p, setP] = useState<Pending | null>(null);
  const [typed, setTyped] = useState('');
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    show = (next) => {
      setTyped('');
      setP(next);
    };
    return () => {
      show = null;
    };
  }, []);
  useEffect(() => {
    const d = ref.current;
    if (p && d && !d.open) d.showModal();
  }, [p]);
  const close = (ok: boolean) => {
    ref.current?.close();
    p?.resolve(ok);
    setP(null);
  };
  const blocked = p?.typeToConfirm !== undefined && typed !== p.typeToConfirm;
  return (
    <dialog ref={ref} class="confirm" onCancel={() => close(false)} aria-labelledby="confirm-title">
      {p && (
        <form
          method="dialog"
          onSubmit={(e) => {
            e.preventDefault();
            if (!blocked) close(true);
          }}
        >
          <h2 id="confirm-title">{p.title}</h2>
          <p>{p.body}</p>
          {p.typeToConfirm !== undefined && (
            <label class="field">
              <span>
                Type <code>{p.typeToConfirm}</code> to confirm
              </span>
              <input
                name="confirm-text"
                autocomplete="off"
                value={typed}
                onInput={(e) => setTyped((e.target as HTMLInputElement).value)}
              />
            </label>
          )}
          <div class="actions">
            <button type="button" onClick={() => close(false)}>
              Cancel
            </button>
            <button type="submit" class={p.danger === false ? 'primary' : 'danger'} disabled={blocked}>
              {p.action}
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}
