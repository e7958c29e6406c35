/** SAM / CloudFormation templates as Stepwright projects (`--sam template.yaml`). */
export { SamTemplateError } from './errors.js';
export { loadSamTemplate } from './load-template.js';
export type { SamActivity, SamFunction, SamProject, SamResource, SamTemplateOptions } from './load-template.js';
export { parseParameterOverrides } from './parameters.js';
export { describeFailure, registerSamFunctions, registerSamStateMachines, resourcePlace } from './register.js';
export type { LoadedStateMachine } from './state-machines.js';
export { watchSamTemplate } from './watch-template.js';
export type { SamAppliedChange, SamTemplateWatch } from './watch-template.js';
