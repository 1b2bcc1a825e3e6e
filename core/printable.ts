/**
 * Text from the platform (names, display names, messages) made safe to print: control characters
 * (ESC, CR, line breaks, …) and bidirectional overrides are shown as escapes, so a name cannot move
 * the cursor, clear a reviewer's screen, hide text or forge a line of the plan.
 */
// eslint-disable-next-line no-control-regex -- control characters are what it escapes
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

export function printable(line: string): string {
  return line.replace(UNPRINTABLE, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}

/** The same for text of several lines: its own line breaks stay. */
export function printableLines(text: string): string {
  return text.split('\n').map(printable).join('\n');
}
