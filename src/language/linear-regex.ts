import v8 from 'node:v8';

/**
 * Regexes from definitions and inputs (JSONPath `=~`, JSONata `$match` …) are untrusted: a
 * backtracking pattern such as `(a+)+$` takes exponential time on thirty characters and blocks the
 * event loop. V8 has a linear-time engine (no backtracking) and can fall back to it when a match
 * backtracks too much: with these flags `(a+)+$` on 5000 characters answers in milliseconds. The
 * flags are process-wide, apply to regexes compiled before they were set and to worker threads.
 * The linear engine cannot run backreferences or lookarounds, so patterns using them are refused
 * where they cannot be stopped (see backtrackingOnlyFeature). Setting V8 flags is the one global
 * effect of src/language; it is idempotent and changes no result, only how long a match may take.
 */
let enabled = false;

export function enableLinearRegexFallback(): void {
  if (enabled) return;
  enabled = true;
  v8.setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
}

/**
 * The first feature of a regex source that only the backtracking engine runs (a backreference
 * `\1` / `\k<name>` or a lookaround `(?=` `(?!` `(?<=` `(?<!`), or undefined when the pattern can
 * fall back to the linear engine.
 */
export function backtrackingOnlyFeature(source: string): string | undefined {
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      const next = source[i + 1] ?? '';
      if (!inClass && next >= '1' && next <= '9') return `backreference \\${next}`;
      if (!inClass && next === 'k' && source[i + 2] === '<') return 'named backreference \\k<…>';
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') inClass = true;
    else if (c === '(' && source[i + 1] === '?') {
      const kind = source[i + 2] === '<' ? source.slice(i + 2, i + 4) : source[i + 2];
      if (kind === '=' || kind === '!' || kind === '<=' || kind === '<!') return `lookaround (?${kind}`;
    }
  }
  return undefined;
}
