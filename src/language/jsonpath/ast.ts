import type { Json } from '../json.js';

/**
 * One token of a parsed path, modelled on the tokens of Jayway JsonPath (the Java library AWS
 * evaluates JSONPath with), so that definiteness and error texts follow it.
 */
export type PathToken =
  | { readonly kind: 'property'; readonly names: readonly string[] }
  | { readonly kind: 'index'; readonly indexes: readonly number[] }
  | { readonly kind: 'slice'; readonly from?: number; readonly to?: number; readonly step?: number }
  | { readonly kind: 'wildcard' }
  | { readonly kind: 'scan' }
  | { readonly kind: 'filter'; readonly filter: FilterExpression };

export interface ParsedPath {
  readonly root: '$' | '$$' | 'variable';
  readonly variableName?: string;
  readonly tokens: readonly PathToken[];
}

/** A filter `[?( ... )]` expression. */
export type FilterExpression =
  | { readonly kind: 'and'; readonly left: FilterExpression; readonly right: FilterExpression }
  | { readonly kind: 'or'; readonly left: FilterExpression; readonly right: FilterExpression }
  | { readonly kind: 'not'; readonly operand: FilterExpression }
  | { readonly kind: 'exists'; readonly operand: FilterOperand }
  | {
      readonly kind: 'compare';
      readonly operator: RelationalOperator;
      readonly left: FilterOperand;
      readonly right: FilterOperand;
    };

export type RelationalOperator =
  | '=='
  | '!='
  | '==='
  | '!=='
  | '<'
  | '<='
  | '>'
  | '>='
  | '=~'
  | 'in'
  | 'nin'
  | 'subsetof'
  | 'anyof'
  | 'noneof'
  | 'size'
  | 'empty'
  | 'contains';

export type FilterOperand =
  | {
      readonly kind: 'path';
      readonly relative: boolean;
      readonly tokens: readonly PathToken[];
      readonly definite: boolean;
    }
  | { readonly kind: 'literal'; readonly value: Json }
  | { readonly kind: 'regex'; readonly pattern: RegExp };
