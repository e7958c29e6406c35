export { IntrinsicSyntaxError, isIntrinsicCall, parseIntrinsic } from './parser.js';
export type { IntrinsicArgument, IntrinsicCall } from './parser.js';
export { compileIntrinsic } from './compile.js';
export type { CompiledIntrinsic } from './compile.js';
