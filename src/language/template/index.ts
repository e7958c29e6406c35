/** Payload templates (Parameters, ResultSelector, Assign …): JSON with `.$` fields whose values are JSONPath paths or intrinsic calls. Above both, so neither imports the other through it. */
export { compileTemplate, selectFieldPath, type CompiledTemplate } from './payload-template.js';
