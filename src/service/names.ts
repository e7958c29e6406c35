import { invalidName } from './errors.js';

/** AWS refuses names with whitespace, brackets, wildcards, special and control characters. */
const NAME_FORBIDDEN = /[\s<>{}[\]?*"#%\\^|~`$&,;:/]/;

/** Names of state machines, executions, activities and aliases as AWS accepts them (1-80 characters). */
export function isValidName(name: string, max = 80): boolean {
  if (name.length < 1 || name.length > max || NAME_FORBIDDEN.test(name)) return false;
  for (const c of name) {
    const code = c.charCodeAt(0);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return false;
  }
  return true;
}

/** The one name check: InvalidName with AWS's message. */
export function checkName(name: string): string {
  if (!isValidName(name)) throw invalidName(name);
  return name;
}
