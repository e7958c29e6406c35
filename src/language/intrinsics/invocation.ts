import type { Json, JsonObject } from '../json.js';
import { isJsonObject } from '../json.js';
import type { Scope } from '../scope.js';
import type { IntrinsicArgument } from './parser.js';
import { describe, intrinsicFailure, jsonTypeName } from './failure.js';

/** One evaluation of one intrinsic: its evaluated arguments plus typed accessors that fail as AWS does. */
export class Invocation {
  constructor(
    readonly name: string,
    readonly args: readonly Json[],
    /** The arguments as written (States.Format needs to see whether its template was a literal). */
    readonly nodes: readonly IntrinsicArgument[],
    readonly scope: Scope,
  ) {}

  fail(detail: string): Error {
    return intrinsicFailure(this.name, detail);
  }

  private wrongType(index: number, expected: string): Error {
    const value = this.args[index];
    return this.fail(`argument ${index + 1} must be ${expected}, but was ${jsonTypeName(value)}: ${describe(value)}`);
  }

  string(index: number): string {
    const v = this.args[index];
    if (typeof v !== 'string') throw this.wrongType(index, 'a string');
    return v;
  }

  number(index: number): number {
    const v = this.args[index];
    if (typeof v !== 'number') throw this.wrongType(index, 'a number');
    return v;
  }

  /**
   * An integer argument. AWS accepts any number and rounds it half up, as Java's Math.round does
   * (1.5 → 2, -1.5 → -1, -2.5 → -2): see intrinsic_functions/test_math_add__10, __14, __19.
   * JavaScript's Math.round rounds the same way; `+ 0` turns -0 into 0.
   */
  integer(index: number): number {
    return Math.round(this.number(index)) + 0;
  }

  boolean(index: number): boolean {
    const v = this.args[index];
    if (typeof v !== 'boolean') throw this.wrongType(index, 'a boolean');
    return v;
  }

  array(index: number): readonly Json[] {
    const v = this.args[index];
    if (!Array.isArray(v)) throw this.wrongType(index, 'an array');
    return v;
  }

  object(index: number): JsonObject {
    const v = this.args[index];
    if (!isJsonObject(v)) throw this.wrongType(index, 'an object');
    return v;
  }
}

export type IntrinsicImplementation = (call: Invocation) => Json;
