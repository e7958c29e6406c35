// Handlers that call Step Functions and Lambda with the real AWS SDKs (v3 for Node, boto3 for
// Python), written as for AWS: no endpoint in the code. They reach the Stepwright they run under
// through the AWS_ENDPOINT_URL and credentials it gives its functions.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStepwrightServer, type StepwrightServer } from '../../src/app/server.js';

const hasBoto3 = ((): boolean => {
  try {
    execFileSync('python3', ['-c', 'import boto3'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const NODE_HANDLER = `
import { SFNClient, StartExecutionCommand, DescribeExecutionCommand } from '@aws-sdk/client-sfn';
const sfn = new SFNClient({});
export const handler = async (event) => {
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: event.child, input: JSON.stringify({ n: event.n }) }));
  for (;;) {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== 'RUNNING') return { status: d.status, output: JSON.parse(d.output ?? 'null') };
    await new Promise((r) => setTimeout(r, 20));
  }
};
`;

const PYTHON_HANDLER = `
import json
import boto3

def lambda_handler(event, context):
    names = [m["name"] for m in boto3.client("stepfunctions").list_state_machines()["stateMachines"]]
    answer = boto3.client("lambda").invoke(FunctionName="double", Payload=json.dumps({"n": event["n"]}))
    return {"machines": sorted(names), "doubled": json.loads(answer["Payload"].read())}
`;

let server: StepwrightServer;
let root: string;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-sdk-calls-'));
  const write = (file: string, text: string): void => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  };
  write('functions/starter/index.mjs', NODE_HANDLER);
  // The SDK as a function's own node_modules would hold it.
  fs.symlinkSync(path.resolve('node_modules'), path.join(root, 'functions/starter/node_modules'));
  write('functions/lister/lambda_function.py', PYTHON_HANDLER);
  write('functions/lister/function.json', JSON.stringify({ runtime: 'python3.11', timeoutSeconds: 20 }));
  write('functions/double/index.mjs', 'export const handler = async (e) => ({ n: e.n * 2 });');
  write('functions/starter/function.json', JSON.stringify({ runtime: 'nodejs20.x', timeoutSeconds: 20 }));
  write('state-machines/child.asl.json', JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', Parameters: { 'tripled.$': 'States.MathAdd(States.MathAdd($.n, $.n), $.n)' }, End: true } } }));
  // The server's own user: the SDKs live under folders `nobody` may not read.
  server = await startStepwrightServer({ port: 0, dataDir: path.join(root, '.stepwright'), project: root, logLevel: false, functionUser: false });
}, 30_000);

afterAll(async () => {
  await server?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('a function calling the AWS APIs with an SDK', () => {
  it('starts and describes an execution with @aws-sdk/client-sfn and no endpoint in its code', async () => {
    const r = await server.runtime.invoke('starter', JSON.stringify({ child: server.machines.get('child'), n: 7 }));
    expect(r.ok ? JSON.parse(r.payload) : r.payload).toEqual({ status: 'SUCCEEDED', output: { tripled: 21 } });
  }, 30_000);

  it.skipIf(!hasBoto3)('lists state machines and invokes another function with boto3', async () => {
    const r = await server.runtime.invoke('lister', '{"n": 4}');
    expect(r.ok ? JSON.parse(r.payload) : r.payload).toEqual({ machines: ['child'], doubled: { n: 8 } });
  }, 30_000);
});
