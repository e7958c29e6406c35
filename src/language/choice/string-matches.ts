/**
 * `StringMatches` patterns: `*` matches any run of characters (including none); `\*` is a literal
 * asterisk and `\\` a literal backslash. Any other backslash escapes the character after it, and a
 * trailing backslash stands for itself: the validator, not the matcher, is where AWS refuses those.
 *
 * Matching is linear in the text and the pattern, with no regex (a `*` turned into `[\s\S]*` made
 * `*a*a*a*a*a*a*b` backtrack for minutes on 100 characters). The pattern is split at its stars into
 * literal segments; the first must be a prefix, the last a suffix, and the ones between are found
 * left to right, each at its leftmost place after the previous one. Leftmost is always right when the
 * only wildcard is `*`: any match that puts a segment further right can move it left and still match.
 * Each segment is searched with Knuth-Morris-Pratt, and every search starts where the last one
 * ended, so the text is read once: O(text + pattern).
 */
export function compileStringMatches(pattern: string): (text: string) => boolean {
  const segments = splitAtStars(pattern);
  if (segments.length === 1) {
    const only = segments[0];
    return (text) => text === only;
  }
  const first = segments[0];
  const last = segments[segments.length - 1];
  const middle = segments.slice(1, -1).filter((s) => s !== '');
  const tables = middle.map(failureTable);
  const fixed = first.length + last.length;
  return (text) => {
    if (text.length < fixed || !text.startsWith(first) || !text.endsWith(last)) return false;
    let at = first.length;
    const end = text.length - last.length;
    for (let i = 0; i < middle.length; i++) {
      const found = findFrom(text, at, end, middle[i], tables[i]);
      if (found < 0) return false;
      at = found + middle[i].length;
    }
    return true;
  };
}

/** The literal runs between unescaped stars (one segment when there is no star). */
function splitAtStars(pattern: string): string[] {
  const segments: string[] = [];
  let literal = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) literal += pattern[++i];
    else if (c === '*') {
      segments.push(literal);
      literal = '';
    } else literal += c;
  }
  segments.push(literal);
  return segments;
}

/** KMP: for each prefix of `needle`, the length of its longest proper prefix that is also its suffix. */
function failureTable(needle: string): Int32Array {
  const table = new Int32Array(needle.length);
  for (let i = 1, k = 0; i < needle.length; i++) {
    while (k > 0 && needle[i] !== needle[k]) k = table[k - 1];
    if (needle[i] === needle[k]) k++;
    table[i] = k;
  }
  return table;
}

/** Index of the first occurrence of `needle` in text[from, end), or -1; reads each character once. */
function findFrom(text: string, from: number, end: number, needle: string, table: Int32Array): number {
  for (let i = from, k = 0; i < end; i++) {
    while (k > 0 && text[i] !== needle[k]) k = table[k - 1];
    if (text[i] === needle[k]) k++;
    if (k === needle.length) return i - k + 1;
  }
  return -1;
}
