import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLambdaApi, type LambdaApiUnderTest } from './lambda-server.js';

const run = promisify(execFile);

/**
 * One python3 process drives boto3 through versions, aliases, tags and permissions (each python
 * start costs most of a second) and prints what it saw as JSON; the assertions are here.
 */
const SCENARIO = String.raw`
import io, json, sys, zipfile
import boto3, botocore.config
from botocore.exceptions import ClientError

url = sys.argv[1]
c = boto3.client("lambda", endpoint_url=url, region_name="us-east-1", aws_access_key_id="test",
                 aws_secret_access_key="test", config=botocore.config.Config(retries={"max_attempts": 0}))
ROLE = "arn:aws:iam::123456789012:role/lambda-role"
ARN = "arn:aws:lambda:us-east-1:123456789012:function:boto-ver"

def zip_of(label):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("app.py", "def handler(event, context):\n    return {'code': '%s', 'version': context.function_version}\n" % label)
    return buf.getvalue()

def call(name, **kw):
    r = c.invoke(FunctionName=name, **kw)
    return {"payload": json.loads(r["Payload"].read()), "executed": r["ExecutedVersion"]}

def error_of(fn):
    try:
        fn()
        return None
    except ClientError as e:
        return {"code": e.response["Error"]["Code"], "message": e.response["Error"]["Message"],
                "status": e.response["ResponseMetadata"]["HTTPStatusCode"]}

out = {}
r = c.create_function(FunctionName="boto-ver", Runtime="python3.11", Role=ROLE, Handler="app.handler",
                      Code={"ZipFile": zip_of("one")}, Publish=True, Tags={"team": "py"})
out["created"] = {k: r[k] for k in ("Version", "FunctionArn")}
c.get_waiter("function_active_v2").wait(FunctionName="boto-ver", Qualifier="1")
r = c.update_function_code(FunctionName="boto-ver", ZipFile=zip_of("two"), Publish=True)
out["updated"] = r["Version"]
out["versions"] = [v["Version"] for p in c.get_paginator("list_versions_by_function").paginate(FunctionName="boto-ver") for v in p["Versions"]]
r = c.create_alias(FunctionName="boto-ver", Name="live", FunctionVersion="1", RoutingConfig={"AdditionalVersionWeights": {"2": 1.0}})
out["alias"] = {k: r[k] for k in ("AliasArn", "FunctionVersion", "RoutingConfig")}
out["viaAlias"] = call("boto-ver:live")
c.update_alias(FunctionName="boto-ver", Name="live", RoutingConfig={"AdditionalVersionWeights": {}})
out["afterUpdate"] = call("boto-ver", Qualifier="live")
out["one"] = call(ARN + ":1")
out["latest"] = call("boto-ver")
out["aliases"] = [a["Name"] for p in c.get_paginator("list_aliases").paginate(FunctionName="boto-ver") for a in p["Aliases"]]
c.tag_resource(Resource=ARN, Tags={"stage": "dev"})
c.untag_resource(Resource=ARN, TagKeys=["team"])
out["tags"] = c.list_tags(Resource=ARN)["Tags"]
r = c.add_permission(FunctionName="boto-ver", StatementId="apigw", Action="lambda:InvokeFunction",
                     Principal="apigateway.amazonaws.com", SourceArn="arn:aws:execute-api:us-east-1:123456789012:abc/*")
out["statement"] = json.loads(r["Statement"])
out["policy"] = json.loads(c.get_policy(FunctionName="boto-ver")["Policy"])
c.remove_permission(FunctionName="boto-ver", StatementId="apigw")
out["errors"] = {
    "noPolicy": error_of(lambda: c.get_policy(FunctionName="boto-ver")),
    "noVersion": error_of(lambda: c.get_function(FunctionName="boto-ver", Qualifier="42")),
    "badAlias": error_of(lambda: c.create_alias(FunctionName="boto-ver", Name="1", FunctionVersion="1")),
    "inUse": error_of(lambda: c.delete_function(FunctionName="boto-ver", Qualifier="1")),
}
c.delete_alias(FunctionName="boto-ver", Name="live")
out["deleteVersion"] = c.delete_function(FunctionName="boto-ver", Qualifier="1")["ResponseMetadata"]["HTTPStatusCode"]
out["versionsAfter"] = [v["Version"] for v in c.list_versions_by_function(FunctionName="boto-ver")["Versions"]]
print(json.dumps(out))
`;

let api: LambdaApiUnderTest;
let seen: Record<string, unknown>;

beforeAll(async () => {
  api = await startLambdaApi();
  const { stdout } = await run('python3', ['-c', SCENARIO, api.url], { timeout: 60_000, maxBuffer: 4 * 1024 * 1024 });
  seen = JSON.parse(stdout) as Record<string, unknown>;
}, 90_000);
afterAll(async () => {
  await api.close();
});

const ARN = 'arn:aws:lambda:us-east-1:123456789012:function:boto-ver';

describe('Lambda versions and aliases driven by boto3', () => {
  it('publishes on create_function and update_function_code with Publish=True, and pages the versions', () => {
    expect(seen.created).toEqual({ Version: '1', FunctionArn: `${ARN}:1` });
    expect(seen.updated).toBe('2');
    expect(seen.versions).toEqual(['$LATEST', '1', '2']);
  });

  it('routes an alias by its weights, then to its version, and runs each version on its own code', () => {
    expect(seen.alias).toEqual({ AliasArn: `${ARN}:live`, FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { '2': 1 } } });
    expect(seen.viaAlias).toEqual({ payload: { code: 'two', version: '2' }, executed: '2' });
    expect(seen.afterUpdate).toEqual({ payload: { code: 'one', version: '1' }, executed: '1' });
    expect(seen.one).toEqual({ payload: { code: 'one', version: '1' }, executed: '1' });
    expect(seen.latest).toEqual({ payload: { code: 'two', version: '$LATEST' }, executed: '$LATEST' });
    expect(seen.aliases).toEqual(['live']);
  });

  it('tags, writes and removes policy statements as AWS does', () => {
    expect(seen.tags).toEqual({ stage: 'dev' });
    expect(seen.statement).toEqual({
      Sid: 'apigw',
      Effect: 'Allow',
      Principal: { Service: 'apigateway.amazonaws.com' },
      Action: 'lambda:InvokeFunction',
      Resource: ARN,
      Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:execute-api:us-east-1:123456789012:abc/*' } },
    });
    expect(seen.policy).toEqual({ Version: '2012-10-17', Id: 'default', Statement: [seen.statement] });
  });

  it('raises ClientError with AWS codes, and deletes a version once no alias names it', () => {
    const errors = seen.errors as Record<string, { code: string; message: string; status: number }>;
    expect(errors.noPolicy).toEqual({ code: 'ResourceNotFoundException', message: 'The resource you requested does not exist.', status: 404 });
    expect(errors.noVersion).toEqual({ code: 'ResourceNotFoundException', message: `Function not found: ${ARN}:42`, status: 404 });
    expect(errors.badAlias).toMatchObject({ code: 'ValidationException', status: 400, message: expect.stringContaining("Value '1' at 'name'") });
    expect(errors.inUse).toMatchObject({ code: 'ResourceConflictException', status: 409 });
    expect(seen.deleteVersion).toBe(204);
    expect(seen.versionsAfter).toEqual(['$LATEST', '2']);
  });
});
