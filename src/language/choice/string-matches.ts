/**
 * `StringMatches` patterns: `*` matches any run of characters (including none); `\*` is a literal
 * asterisk and `\\` a literal backslash. Any other backslash escapes the character after it, and a
 * trailing backslash stands for itself: the validator, not the matcher, is where AWS refuses those.
 */
export function compileStringMatches(pattern: string): (text: string) => boolean {
  let source = '^';
  let literal = '';
  const flush = (): void => {
    source += literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    literal = '';
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) {
      literal += pattern[++i];
    } else if (c === '*') {
      flush();
      source += '[\\s\\S]*';
    } else {
      literal += c;
    }
  }
  flush();
  const regex = new RegExp(source + '$');
  return (text) => regex.test(text);
}
