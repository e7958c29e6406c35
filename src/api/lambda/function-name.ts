import { validationError, type LambdaApiError } from './errors.js';

/** The account and region this API answers as (Lambda ARNs carry both). */
export interface ApiIdentity {
  readonly region: string;
  readonly accountId: string;
}

export interface FunctionRef {
  readonly name: string;
  /** `$LATEST`, a version number or an alias name, from the ARN suffix or the Qualifier parameter. */
  readonly qualifier?: string;
}

/**
 * botocore's FunctionName pattern (operations that take a path name accept a name, a full ARN or a
 * partial ARN `123456789012:function:NAME`, each with an optional `:QUALIFIER`).
 */
const FUNCTION_NAME_REFERENCE =
  /^(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_.]+)(:(\$LATEST(\.PUBLISHED)?|[a-zA-Z0-9-_]+))?$/;

/** The pattern text AWS quotes in its ValidationException for a malformed FunctionName. */
const PATTERN_TEXT =
  '(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST(\\.PUBLISHED)?|[a-zA-Z0-9-_]+))?';

/** Parses a FunctionName parameter; a malformed one is AWS's ValidationException. */
export function parseFunctionName(reference: string, maxLength = 256): FunctionRef | LambdaApiError {
  if (reference.length > maxLength) {
    return validationError([
      `Value '${reference}' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to ${maxLength}`,
    ]);
  }
  const match = FUNCTION_NAME_REFERENCE.exec(reference);
  if (reference.length === 0 || match === null) {
    return validationError([
      `Value '${reference}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: ${PATTERN_TEXT}`,
    ]);
  }
  const name = match[10];
  const qualifier = match[12];
  return qualifier === undefined ? { name } : { name, qualifier };
}

export function functionArn(identity: ApiIdentity, name: string, qualifier?: string): string {
  const base = `arn:aws:lambda:${identity.region}:${identity.accountId}:function:${name}`;
  return qualifier === undefined ? base : `${base}:${qualifier}`;
}
