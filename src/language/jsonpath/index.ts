export { PathSyntaxError } from './path-syntax-error.js';
export { compilePath, selectPath, type CompiledPath } from './path.js';
