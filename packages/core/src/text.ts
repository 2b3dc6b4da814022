/**
 * Control characters in names and in text shown to a person. Queue and job names refuse them (keys.ts); any
 * other text that came from Redis (error texts, payloads, names written around Sluice) is escaped before it
 * reaches a terminal, so it cannot move the cursor, clear the screen or fake a line.
 */

/** C0 and C1 controls, DEL, and the bidirectional overrides and isolates (they reorder what a terminal shows). */
export const CONTROL_CHARS = '\\x00-\\x1f\\x7f-\\x9f\\u202a-\\u202e\\u2066-\\u2069';

const CONTROL = new RegExp(`[${CONTROL_CHARS}]`, 'g');
const HAS_CONTROL = new RegExp(`[${CONTROL_CHARS}]`);

/** True when `text` holds a control character ({@link CONTROL_CHARS}). */
export function hasControlChars(text: string): boolean {
  return HAS_CONTROL.test(text);
}

const escapeOne = (c: string): string => {
  const code = c.charCodeAt(0);
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  if (c === '\t') return '\\t';
  return `\\u${code.toString(16).padStart(4, '0')}`;
};

/**
 * `text` safe for a terminal: every control character is written as a visible escape (`\n`, `\u001b`,
 * `\u202e`), which is also valid inside a JSON string, so JSON output may go through it with its meaning kept.
 * Text without one is returned as is.
 */
export function escapeControl(text: string): string {
  return HAS_CONTROL.test(text) ? text.replace(CONTROL, escapeOne) : text;
}
