/**
 * The one place the validator asks the expression parsers whether a text parses. Everything else in
 * validate/ goes through `syntax`, so the parsers can change without touching the rules.
 */
import jsonata from 'jsonata';

export interface JsonataProblem {
  readonly code: 'invalid' | 'unsupported';
  readonly message: string;
}

export interface Syntax {
  isPath(text: string): boolean;
  isReferencePath(text: string): boolean;
  isIntrinsic(text: string): boolean;
  /** undefined when the intrinsic call parses. */
  intrinsicError(text: string): string | undefined;
  /** `text` is the whole `{% … %}` string. undefined when it parses. */
  jsonataError(text: string): JsonataProblem | undefined;
}

export const syntax: Syntax = {
  isPath: (text) => text.startsWith('$'),
  isReferencePath: (text) => text.startsWith('$'),
  isIntrinsic: (text) => text.startsWith('States.'),
  intrinsicError: (text) => (/^States\.[A-Za-z0-9]+\(.*\)$/s.test(text) ? undefined : 'invalid intrinsic function call'),
  jsonataError(text) {
    const body = text.slice(2, -2);
    try {
      jsonata(body);
      return undefined;
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      return { code: 'invalid', message };
    }
  },
};
