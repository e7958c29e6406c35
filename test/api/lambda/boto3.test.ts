import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLambdaApi, type LambdaApiUnderTest } from './lambda-server.js';

const run = promisify(execFile);

/**
 * One python3 process drives boto3 through the whole scenario (each python start costs most of
 * a second) and prints what it saw as JSON; the assertions are here.
 */
const SCENARIO = String.raw`
import base64, io, json, sys, zipfile
import boto3, botocore.config
from botocore.exceptions import ClientError

url = sys.argv[1]
c = boto3.client("lambda", endpoint_url=url, region_name="us-east-1", aws_access_key_id="test",
                 aws_secret_access_key="test", config=botocore.config.Config(retries={"max_attempts": 0}))
ROLE = "arn:aws:iam::123456789012:role/lambda-role"

def zip_of(files):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(zipfile.ZipInfo(name), text)
    return buf.getvalue()

def error_of(call):
    try:
        call()
        return None
    except ClientError as e:
        return {"code": e.response["Error"]["Code"], "message": e.response["Error"]["Message"],
                "status": e.response["ResponseMetadata"]["HTTPStatusCode"]}

APP = '''
import os
def handler(event, context):
    if event.get("boom"):
        raise ValueError("boom requested")
    print("got", event)
    return {"double": event.get("n", 0) * 2, "mode": os.environ.get("MODE"), "requestId": context.aws_request_id}
'''
out = {}
r = c.create_function(FunctionName="boto-py", Runtime="python3.11", Role=ROLE, Handler="app.handler",
                      Code={"ZipFile": zip_of({"app.py": APP})}, Timeout=5, Environment={"Variables": {"MODE": "one"}})
out["create"] = {k: r[k] for k in ("FunctionName", "FunctionArn", "State", "Runtime", "Timeout", "CodeSize")}
out["createStatus"] = r["ResponseMetadata"]["HTTPStatusCode"]
c.get_waiter("function_active_v2").wait(FunctionName="boto-py")

r = c.invoke(FunctionName="boto-py", Payload=json.dumps({"n": 4}), LogType="Tail")
out["invoke"] = {"status": r["StatusCode"], "payload": json.loads(r["Payload"].read()), "version": r["ExecutedVersion"],
                 "log": base64.b64decode(r["LogResult"]).decode(), "functionError": r.get("FunctionError")}
r = c.invoke(FunctionName="boto-py", Payload=json.dumps({"boom": True}))
out["functionError"] = {"status": r["StatusCode"], "functionError": r.get("FunctionError"), "payload": json.loads(r["Payload"].read())}
out["event"] = c.invoke(FunctionName="boto-py", InvocationType="Event", Payload=b"{}")["StatusCode"]
out["dryRun"] = c.invoke(FunctionName="boto-py", InvocationType="DryRun")["StatusCode"]

c.update_function_configuration(FunctionName="boto-py", Environment={"Variables": {"MODE": "two"}})
c.get_waiter("function_updated_v2").wait(FunctionName="boto-py")
out["afterConfig"] = json.loads(c.invoke(FunctionName="boto-py", Payload=b'{"n": 1}')["Payload"].read())
r = c.update_function_code(FunctionName="boto-py", ZipFile=zip_of({"app.py": "def handler(e, c):\n    return 'v2'\n"}))
out["codeUpdate"] = {"sha": r["CodeSha256"], "size": r["CodeSize"]}
out["afterCode"] = json.loads(c.invoke(FunctionName="boto-py", Payload=b"{}")["Payload"].read())

for n in ("boto-a", "boto-b", "boto-c"):
    c.create_function(FunctionName=n, Runtime="nodejs22.x", Role=ROLE, Handler="index.handler",
                      Code={"ZipFile": zip_of({"index.mjs": "export const handler = async () => 1;"})})
names = []
for page in c.get_paginator("list_functions").paginate(PaginationConfig={"PageSize": 2}):
    names += [f["FunctionName"] for f in page["Functions"]]
out["listed"] = names

out["errors"] = {
    "unknown": error_of(lambda: c.invoke(FunctionName="nope", Payload=b"{}")),
    "duplicate": error_of(lambda: c.create_function(FunctionName="boto-a", Runtime="nodejs22.x", Role=ROLE,
                          Handler="index.handler", Code={"ZipFile": zip_of({"index.mjs": "x"})})),
    "badRuntime": error_of(lambda: c.create_function(FunctionName="boto-x", Runtime="python2.8", Role=ROLE,
                           Handler="app.handler", Code={"ZipFile": zip_of({"app.py": "x"})})),
    "traversal": error_of(lambda: c.create_function(FunctionName="boto-t", Runtime="python3.12", Role=ROLE,
                          Handler="app.handler", Code={"ZipFile": zip_of({"app.py": "x", "../../boto-escaped.py": "x"})})),
    "absolute": error_of(lambda: c.create_function(FunctionName="boto-abs", Runtime="python3.12", Role=ROLE,
                         Handler="app.handler", Code={"ZipFile": zip_of({"app.py": "x", "/tmp/boto-escaped-abs.py": "x"})})),
    "tooLarge": error_of(lambda: c.invoke(FunctionName="boto-py", Payload=b'"' + b"x" * (6 * 1024 * 1024) + b'"')),
    "notImplemented": error_of(lambda: c.list_layers()),
}
out["delete"] = c.delete_function(FunctionName="boto-b")["ResponseMetadata"]["HTTPStatusCode"]
out["afterDelete"] = error_of(lambda: c.get_function(FunctionName="boto-b"))
print(json.dumps(out))
`;

let api: LambdaApiUnderTest;
let seen: Record<string, unknown>;

beforeAll(async () => {
  api = await startLambdaApi();
  const { stdout } = await run('python3', ['-c', SCENARIO, api.url], { timeout: 45_000, maxBuffer: 16 * 1024 * 1024 });
  seen = JSON.parse(stdout) as Record<string, unknown>;
}, 50_000);
afterAll(async () => {
  await api?.close();
});

describe('the Lambda API driven by boto3', () => {
  it('creates a Python function (201) that the function_active_v2 waiter sees as Active', () => {
    expect(seen.createStatus).toBe(201);
    expect(seen.create).toMatchObject({ FunctionName: 'boto-py', FunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:boto-py', State: 'Active', Runtime: 'python3.11', Timeout: 5 });
  });

  it('invokes it with a tail of the log', () => {
    const invoke = seen.invoke as { status: number; payload: { double: number; mode: string; requestId: string }; version: string; log: string; functionError: unknown };
    expect(invoke).toMatchObject({ status: 200, version: '$LATEST', functionError: null, payload: { double: 8, mode: 'one' } });
    expect(invoke.log).toContain(`START RequestId: ${invoke.payload.requestId} Version: $LATEST`);
    expect(invoke.log).toContain("got {'n': 4}");
  });

  it('reports a raised exception as FunctionError Unhandled with the error body', () => {
    expect(seen.functionError).toMatchObject({ status: 200, functionError: 'Unhandled', payload: { errorType: 'ValueError', errorMessage: 'boom requested' } });
  });

  it('answers Event with 202 and DryRun with 204', () => {
    expect(seen.event).toBe(202);
    expect(seen.dryRun).toBe(204);
  });

  it('applies configuration and code updates to the next invocation', () => {
    expect(seen.afterConfig).toMatchObject({ double: 2, mode: 'two' });
    expect(seen.afterCode).toBe('v2');
  });

  it('pages ListFunctions through the boto3 paginator', () => {
    expect(seen.listed).toEqual(['boto-a', 'boto-b', 'boto-c', 'boto-py']);
  });

  it('raises ClientError with AWS codes, messages and statuses', () => {
    const errors = seen.errors as Record<string, { code: string; message: string; status: number }>;
    expect(errors.unknown).toEqual({ code: 'ResourceNotFoundException', message: 'Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope', status: 404 });
    expect(errors.duplicate).toEqual({ code: 'ResourceConflictException', message: 'Function already exist: boto-a', status: 409 });
    expect(errors.notImplemented).toEqual({ code: 'UnknownOperationException', message: "Unknown operation: Stepwright's Lambda API does not support ListLayers yet", status: 404 });
    expect(errors.badRuntime).toMatchObject({ code: 'InvalidParameterValueException', status: 400, message: expect.stringContaining("Value python2.8 at 'runtime'") });
    expect(errors.traversal).toMatchObject({ code: 'InvalidParameterValueException', status: 400, message: expect.stringContaining('invalid relative path: ../../boto-escaped.py') });
    expect(errors.absolute).toMatchObject({ code: 'InvalidParameterValueException', status: 400, message: expect.stringContaining('absolute path: /tmp/boto-escaped-abs.py') });
    expect(errors.tooLarge).toMatchObject({ code: 'RequestEntityTooLargeException', status: 413 });
    expect(existsSync('/tmp/boto-escaped-abs.py')).toBe(false);
    expect(existsSync(path.join(api.dataDir, '..', 'boto-escaped.py'))).toBe(false);
  });

  it('deletes with 204, after which GetFunction is ResourceNotFoundException', () => {
    expect(seen.delete).toBe(204);
    expect(seen.afterDelete).toMatchObject({ code: 'ResourceNotFoundException', status: 404 });
  });
});
