import type { PathToken } from './ast.js';

/**
 * Jayway's definiteness: a single name or index is definite, and so is a list of names when it is the
 * last token (it merges those properties into one object). Everything else may match many nodes.
 */
export function isDefiniteTokens(tokens: readonly PathToken[]): boolean {
  return tokens.every((t, i) => isTokenDefinite(t, i === tokens.length - 1));
}

export function isTokenDefinite(token: PathToken, leaf: boolean): boolean {
  switch (token.kind) {
    case 'property':
      return token.names.length === 1 || leaf;
    case 'index':
      return token.indexes.length === 1;
    default:
      return false;
  }
}
