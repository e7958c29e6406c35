export { PathSyntaxError } from './path-syntax-error.js';
export { compilePath, selectPath, type CompiledPath } from './path.js';
export {
  applyResultPath,
  compileReferencePath,
  REFERENCE_PATH_CONFLICT,
  type CompiledReferencePath,
  type ReferenceStep,
} from './reference-path.js';
