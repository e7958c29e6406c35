/**
 * The collector every rule writes to, and the location strings AWS uses: a JSON-pointer-like path
 * with array indices in brackets and names left unescaped (`/States/A/Catch[0]/Next`).
 */
import type { Diagnostic } from '../definition.js';

export const CODES = {
  invalidJson: 'INVALID_JSON_DESCRIPTION',
  missingDescription: 'MISSING_DESCRIPTION',
  schema: 'SCHEMA_VALIDATION_FAILED',
  invalidResource: 'INVALID_RESOURCE',
  missingEndState: 'MISSING_END_STATE',
  duplicateStateName: 'DUPLICATE_STATE_NAME',
  invalidStateName: 'INVALID_STATE_NAME',
  duplicateLabelName: 'DUPLICATE_LABEL_NAME',
  missingTransitionTarget: 'MISSING_TRANSITION_TARGET',
  tooDeeplyNested: 'TOO_DEEPLY_NESTED',
  invalidJsonata: 'INVALID_JSONATA_EXPRESSION',
  unsupportedJsonata: 'UNSUPPORTED_JSONATA_EXPRESSION',
} as const;

/** `/States` under the root is `/States`, not `//States`. */
export function field(base: string, name: string): string {
  return base === '/' ? `/${name}` : `${base}/${name}`;
}

export function index(base: string, i: number): string {
  return `${base}[${i}]`;
}

export class Report {
  /** Schema and syntax problems, in the order found. */
  readonly schema: Diagnostic[] = [];
  /** Dangling targets and unreachable states (AWS reports them after the schema problems). */
  readonly graph: Diagnostic[] = [];
  /** MISSING_END_STATE comes last. */
  readonly end: Diagnostic[] = [];

  error(code: string, path: string, message: string): void {
    this.schema.push({ code, path, message, severity: 'ERROR' });
  }

  schemaError(path: string, message: string): void {
    this.error(CODES.schema, path, message);
  }

  graphError(code: string, path: string, message: string): void {
    this.graph.push({ code, path, message, severity: 'ERROR' });
  }

  all(): Diagnostic[] {
    return [...this.schema, ...this.graph, ...this.end];
  }
}
