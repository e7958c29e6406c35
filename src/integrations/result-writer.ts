/**
 * A distributed Map's ResultWriter: writes the Map Run's iterations as AWS does, under
 * `Prefix/<map run id>/`: one `SUCCEEDED_0.json`, `FAILED_0.json`, `PENDING_0.json` per status that
 * has iterations (each an array of child execution records) and `manifest.json` naming them. The
 * Map's output is then `{ MapRunArn, ResultWriterDetails: { Bucket, Key } }` (the manifest's key;
 * scenarios/test_map_state_result_writer). Buckets are S3 buckets or project folders (ObjectStore).
 */
import type { MapRunChild, ResultWriterRequest, TaskRequest } from '../engine/types.js';
import type { Json } from '../language/json.js';
import type { ResourceArn } from '../language/resource-arn.js';
import type { Integration, TaskInvocation, TaskResult } from './contract.js';
import type { ObjectStore } from './item-reader.js';

const STATUSES = ['SUCCEEDED', 'FAILED', 'PENDING'] as const;

export function createResultWriterIntegration(objects: ObjectStore, now: () => Date = () => new Date()): Integration {
  return {
    serves: (_arn: ResourceArn, request?: TaskRequest) => request?.resultWriter !== undefined,
    async invoke(invocation: TaskInvocation): Promise<TaskResult> {
      try {
        return { ok: true, output: await writeResults(objects, invocation, now()) };
      } catch (e) {
        return { ok: false, error: 'States.ResultWriterFailed', cause: e instanceof Error ? e.message : String(e) };
      }
    },
  };
}

async function writeResults(objects: ObjectStore, invocation: TaskInvocation, at: Date): Promise<Json> {
  const arn = invocation.arn;
  if (arn.kind !== 'service' || arn.service !== 's3' || arn.action !== 'putObject') {
    throw new Error(`The ResultWriter resource '${invocation.resource}' is not supported: use arn:aws:states:::s3:putObject.`);
  }
  const params = invocation.parameters !== null && typeof invocation.parameters === 'object' && !Array.isArray(invocation.parameters) ? invocation.parameters : {};
  const bucket = params.Bucket;
  if (typeof bucket !== 'string' || bucket === '') throw new Error("The ResultWriter's Bucket parameter must be a non-empty string.");
  const prefix = typeof params.Prefix === 'string' && params.Prefix !== '' ? params.Prefix.replace(/\/+$/, '') + '/' : '';
  const request = invocation.resultWriter!;
  const runId = request.mapRunArn.slice(request.mapRunArn.lastIndexOf(':') + 1);
  const folder = `${prefix}${runId}/`;
  const jsonLines = request.writerConfig?.OutputType === 'JSONL';
  const resultFiles: { [status: string]: { Key: string; Size: number }[] } = { FAILED: [], PENDING: [], SUCCEEDED: [] };
  for (const status of STATUSES) {
    const records = request.children.filter((c) => c.status === status).map((c) => childRecord(request, c, at));
    if (records.length === 0) continue;
    const key = `${folder}${status}_0.${jsonLines ? 'jsonl' : 'json'}`;
    const body = jsonLines ? records.map((r) => JSON.stringify(r)).join('\n') + '\n' : JSON.stringify(records);
    await objects.putObject(bucket, key, body);
    resultFiles[status].push({ Key: key, Size: Buffer.byteLength(body, 'utf8') });
  }
  const manifestKey = `${folder}manifest.json`;
  await objects.putObject(bucket, manifestKey, JSON.stringify({ DestinationBucket: bucket, MapRunArn: request.mapRunArn, ResultFiles: resultFiles }));
  return { ResultWriterDetails: { Bucket: bucket, Key: manifestKey } };
}

/** A child execution as AWS's result files describe it (its ARN is the Map Run's, as `execution`). */
function childRecord(request: ResultWriterRequest, child: MapRunChild, at: Date): Json {
  const [machineArn] = request.mapRunArn.split(':mapRun:');
  const machinePath = request.mapRunArn.slice(machineArn.length + ':mapRun:'.length, request.mapRunArn.lastIndexOf(':'));
  const record: { [k: string]: Json } = {
    ExecutionArn: `${machineArn}:execution:${machinePath}:${child.name}`,
    Input: JSON.stringify(child.input),
    InputDetails: { Included: true },
    Name: child.name,
  };
  if (child.status === 'SUCCEEDED') {
    record.Output = JSON.stringify(child.output ?? null);
    record.OutputDetails = { Included: true };
  }
  if (child.error !== undefined) record.Error = child.error;
  if (child.cause !== undefined) record.Cause = child.cause;
  record.RedriveCount = 0;
  record.RedriveStatus = child.status === 'FAILED' ? 'REDRIVABLE' : 'NOT_REDRIVABLE';
  if (child.status === 'SUCCEEDED') record.RedriveStatusReason = 'Execution is SUCCEEDED and cannot be redriven';
  record.StartDate = at.toISOString();
  record.StateMachineArn = `${machineArn}:stateMachine:${machinePath}`;
  record.Status = child.status;
  if (child.status !== 'PENDING') record.StopDate = at.toISOString();
  return record;
}
