/** Task states: Resource, TimeoutSeconds/HeartbeatSeconds (and their Path forms), Credentials. */
import { isJsonObject, type Json, type JsonObject } from '../json.js';
import { isKnownOptimizedIntegration, unrecognizedResourceMessage } from '../optimized-integrations.js';
import { isAwsPartition, parseResourceArn } from '../resource-arn.js';
import type { StateContext } from './context.js';
import { checkJsonataExpression, checkPathOrIntrinsicField, checkReferencePathField, isJsonataText } from './expressions.js';
import { field, type Report } from './report.js';
import { checkInteger, checkNotBoth, checkString, get, has, typeMessage } from './values.js';

/** AWS's ceiling for TimeoutSeconds and HeartbeatSeconds. */
export const MAX_TIMEOUT_SECONDS = 99999999;

export function checkTask(ctx: StateContext): void {
  const { report, state, path } = ctx;
  const resource = get(state, 'Resource');
  if (has(state, 'Resource') && checkString(report, resource, field(path, 'Resource'))) checkResource(ctx, resource);

  const timeout = checkSeconds(ctx, 'TimeoutSeconds');
  const heartbeat = checkSeconds(ctx, 'HeartbeatSeconds');
  if (timeout !== undefined && heartbeat !== undefined && heartbeat >= timeout) {
    // ASL: "HeartbeatSeconds MUST be smaller than TimeoutSeconds".
    report.schemaError(field(path, 'HeartbeatSeconds'), 'HeartbeatSeconds must be smaller than TimeoutSeconds');
  }
  if (has(state, 'Credentials')) checkCredentials(report, get(state, 'Credentials'), field(path, 'Credentials'), ctx);
}

function checkResource(ctx: StateContext, resource: string): void {
  const at = field(ctx.path, 'Resource');
  const parts = resource.split(':');
  if (parts[0] !== 'arn' || parts.length < 6) {
    ctx.report.schemaError(at, 'Value is not a valid resource ARN');
    return;
  }
  const arn = parseResourceArn(resource);
  // An optimized integration (no region, no account) must be one AWS has, with a pattern it supports.
  if (arn.kind === 'service' && isAwsPartition(arn.partition) && arn.region === '' && arn.accountId === '' && !isKnownOptimizedIntegration(arn.service, arn.action, arn.pattern)) {
    ctx.report.schemaError(at, unrecognizedResourceMessage(resource));
    return;
  }
  if (ctx.machineType === 'EXPRESS') {
    if (arn.kind === 'activity') ctx.report.schemaError(at, 'Express state machine does not support Activity ARN');
    else if (arn.pattern.startsWith('sync')) ctx.report.schemaError(at, "Express state machine does not support '.sync' service integration");
    else if (arn.pattern === 'waitForTaskToken') {
      ctx.report.schemaError(at, "Express state machine does not support '.waitForTaskToken' service integration");
    }
  }
}

/** TimeoutSeconds or HeartbeatSeconds and its Path form; returns the static value when there is one. */
function checkSeconds(ctx: StateContext, name: 'TimeoutSeconds' | 'HeartbeatSeconds'): number | undefined {
  const { report, state, path } = ctx;
  const pathName = `${name}Path`;
  if (!checkNotBoth(report, state, path, name, pathName)) return undefined;
  if (has(state, pathName) && ctx.ql === 'JSONPath') {
    checkReferencePathField(report, get(state, pathName), field(path, pathName), pathName);
  }
  if (!has(state, name)) return undefined;
  const value = get(state, name);
  if (ctx.ql === 'JSONata' && isJsonataText(value)) {
    checkJsonataExpression(report, value, field(path, name));
    return undefined;
  }
  return checkPositiveSeconds(report, value, field(path, name)) ? (value as number) : undefined;
}

function checkPositiveSeconds(report: Report, value: Json | undefined, at: string): boolean {
  return checkInteger(report, value, at, { min: 1, max: MAX_TIMEOUT_SECONDS });
}

function checkCredentials(report: Report, value: Json | undefined, at: string, ctx: StateContext): void {
  if (!isJsonObject(value)) {
    report.schemaError(at, typeMessage('OBJECT'));
    return;
  }
  const creds: JsonObject = value;
  // AWS words this one differently from "These fields are required: […]".
  if (!has(creds, 'RoleArn') && !has(creds, 'RoleArn.$')) {
    report.schemaError(at, "The field 'RoleArn' is required but was missing");
    return;
  }
  const role = get(creds, 'RoleArn');
  if (has(creds, 'RoleArn') && checkString(report, role, field(at, 'RoleArn')) && ctx.ql === 'JSONata' && isJsonataText(role)) {
    checkJsonataExpression(report, role, field(at, 'RoleArn'));
  }
  if (has(creds, 'RoleArn.$')) checkPathOrIntrinsicField(report, get(creds, 'RoleArn.$'), at, 'RoleArn.$');
}
