import type { Invocation } from './invocation.js';

/**
 * States.StringSplit(text, delimiters): splits at EACH character of `delimiters` and drops empty
 * pieces, as Java's StringTokenizer does (test_string_split__2: ", , ," → [" ", " "];
 * __5: ".+,=" splits on four characters).
 */
export function stringSplit(call: Invocation): string[] {
  const text = call.string(0);
  const delimiters = new Set(Array.from(call.string(1)));
  const pieces: string[] = [];
  let current = '';
  for (const ch of text) {
    if (delimiters.has(ch)) {
      if (current !== '') pieces.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  if (current !== '') pieces.push(current);
  return pieces;
}
