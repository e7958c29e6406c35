import { validateDefinition, validateResponse } from '../../language/validate/index.js';

/** Everything an operation may use; the server fills it in. */
export interface SfnContext {
  readonly region: string;
  readonly accountId: string;
}

export type Operation = (input: Record<string, unknown>, ctx: SfnContext) => Promise<unknown>;

/** Operations that need no store: they only read the definition they are given. */
export const definitionOperations: Readonly<Record<string, Operation>> = {
  async ValidateStateMachineDefinition(input) {
    const severity = input.severity === 'WARNING' ? 'WARNING' : 'ERROR';
    const diagnostics = validateDefinition(input.definition as string, {
      type: input.type === 'EXPRESS' ? 'EXPRESS' : 'STANDARD',
    }).filter((d) => severity === 'WARNING' || d.severity === 'ERROR');
    return validateResponse(diagnostics, typeof input.maxResults === 'number' ? input.maxResults : undefined);
  },
};
