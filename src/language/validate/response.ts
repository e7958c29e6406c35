import type { Diagnostic } from '../definition.js';

/** AWS's ValidateStateMachineDefinition returns at most 100 diagnostics (its maxResults default and maximum). */
const MAX_RESULTS = 100;

/** The response shape of AWS's ValidateStateMachineDefinition. */
export interface ValidateResponse {
  readonly result: 'OK' | 'FAIL';
  readonly diagnostics: readonly { severity: string; code: string; message: string; location?: string }[];
  readonly truncated: boolean;
}

export function validateResponse(diagnostics: readonly Diagnostic[], maxResults = MAX_RESULTS): ValidateResponse {
  const limit = maxResults <= 0 || maxResults > MAX_RESULTS ? MAX_RESULTS : maxResults;
  return {
    result: diagnostics.some((d) => d.severity === 'ERROR') ? 'FAIL' : 'OK',
    diagnostics: diagnostics.slice(0, limit).map((d) => ({
      severity: d.severity,
      code: d.code,
      message: d.message,
      // AWS omits the location where it has none (MISSING_END_STATE, INVALID_JSON_DESCRIPTION).
      ...(d.path === '' ? {} : { location: d.path }),
    })),
    truncated: diagnostics.length > limit,
  };
}
