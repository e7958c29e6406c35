/**
 * The `pattern` of an AWS service model's string shape as a JavaScript RegExp. The models' patterns
 * are Java regular expressions matched against the whole value; Java's `\p{ASCII}` is no JS
 * property name. Compiled once per pattern (the Step Functions and Lambda validators share them).
 */
const patterns = new Map<string, RegExp>();

export function modelPattern(source: string): RegExp {
  let re = patterns.get(source);
  if (re === undefined) {
    re = new RegExp(`^(?:${source.replace(/\\p\{ASCII\}/g, '[\\x00-\\x7F]')})$`, 'u');
    patterns.set(source, re);
  }
  return re;
}
