export {
  compileJsonata,
  isJsonataExpression,
  jsonataExpressionText,
  JsonataSyntaxError,
  DEFAULT_JSONATA_LIMITS,
  type CompiledJsonata,
  type CompileJsonataOptions,
  type JsonataEnv,
  type JsonataLimits,
  type StatesBinding,
} from './expression.js';
export { compileJsonataField, type CompiledJsonataField } from './field.js';
export {
  evaluationErrorCause,
  jsonTypeName,
  queryEvaluationError,
  returnedNothingCause,
  unexpectedResultTypeCause,
  unsupportedResultCause,
  type JsonataResultType,
} from './causes.js';
export { javaRandomFirstDouble } from './java-random.js';
