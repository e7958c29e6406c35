import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  loadSamTemplate,
  parseParameterOverrides,
  SamTemplateError,
  type SamProject,
} from '../../src/app/sam/index.js';
import { FunctionRuntime } from '../../src/functions/index.js';

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
});

/** A template folder of its own: files by relative name; returns the template's path. */
function project(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwright-sam-'));
  roots.push(root);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), text);
  }
  return path.join(root, 'template.yaml');
}

const load = (template: string, parameterOverrides: Record<string, string> = {}): SamProject =>
  loadSamTemplate(template, { parameterOverrides, inlineCodeDir: path.join(path.dirname(template), '.inline') });

function loadError(template: string, parameterOverrides: Record<string, string> = {}): string {
  try {
    load(template, parameterOverrides);
  } catch (e) {
    expect(e).toBeInstanceOf(SamTemplateError);
    return (e as Error).message;
  }
  throw new Error('the template loaded');
}

const FN = 'functions/fn/index.js';
const HANDLER = 'exports.handler = async () => 1;\n';

describe('loadSamTemplate', () => {
  it('evaluates the short-form intrinsics inside a Definition before the substitutions', () => {
    const t = project({
      'template.yaml': `
Parameters:
  Env: { Type: String, Default: dev }
  Names: { Type: CommaDelimitedList, Default: "a,b,c" }
Conditions:
  IsDev: !Equals [!Ref Env, dev]
Mappings:
  Sizes: { dev: { Items: 2 } }
Resources:
  Flow:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionSubstitutions:
        Greeting: !Join ['-', [hello, !Select [1, !Ref Names]]]
      Definition:
        StartAt: P
        States:
          P:
            Type: Pass
            Result:
              sub: !Sub "\${Env} in \${AWS::Region} of \${AWS::AccountId}, not \${!Literal}"
              subVars: !Sub [ "\${A}/\${Flow.Name}", { A: !Ref Env } ]
              split: !Split [",", "x,y"]
              cond: !If [IsDev, yes-dev, !Ref AWS::NoValue]
              gone: !If [IsDev, !Ref AWS::NoValue, kept]
              map: !FindInMap [Sizes, !Ref Env, Items]
              fallback: !FindInMap [Sizes, prod, Items, { DefaultValue: 9 }]
              json: !ToJsonString { a: 1 }
              greeting: \${Greeting}
            End: true
`,
    });
    const [machine] = load(t).stateMachines;
    expect(machine).toMatchObject({ logicalId: 'Flow', name: 'Flow', type: 'STANDARD' });
    expect(JSON.parse(machine.definition).States.P.Result).toEqual({
      sub: 'dev in us-east-1 of 123456789012, not ${Literal}',
      subVars: 'dev/Flow',
      split: ['x', 'y'],
      cond: 'yes-dev',
      map: 2,
      fallback: 9,
      json: '{"a":1}',
      greeting: 'hello-b',
    });
  });

  it('merges Globals into functions as SAM does: scalars replaced, maps merged, lists added', () => {
    const t = project({
      [FN]: HANDLER,
      'layers/shared/nodejs/node_modules/lib/index.js': 'module.exports = 1;\n',
      'template.yaml': `
Globals:
  Function:
    Runtime: nodejs20.x
    Handler: index.handler
    Timeout: 30
    MemorySize: 512
    Layers: [!Ref SharedLayer]
    Environment: { Variables: { TABLE: !Ref Orders, LEVEL: info } }
Resources:
  SharedLayer:
    Type: AWS::Serverless::LayerVersion
    Properties: { ContentUri: layers/shared }
  Orders:
    Type: AWS::DynamoDB::Table
    Properties: { TableName: !Sub "\${AWS::StackName}-orders" }
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: functions/fn
      Timeout: 3
      Environment: { Variables: { LEVEL: debug, COUNT: 2, ARN: !GetAtt Orders.Arn } }
`,
    });
    const p = loadSamTemplate(t, { stackName: 'shop' });
    expect(p.functions).toHaveLength(1);
    const { config } = p.functions[0];
    const root = path.dirname(t);
    expect(config).toMatchObject({
      name: 'Fn',
      runtime: 'nodejs20.x',
      handler: 'index.handler',
      codeDir: path.join(root, 'functions/fn'),
      timeoutSeconds: 3,
      memoryMB: 512,
    });
    expect(config.environment).toEqual({
      TABLE: 'shop-orders',
      LEVEL: 'debug',
      COUNT: '2',
      ARN: 'arn:aws:dynamodb:us-east-1:123456789012:table/shop-orders',
      NODE_PATH: path.join(root, 'layers/shared/nodejs/node_modules'),
    });
    expect(p.skipped).toEqual(['skipped Orders (AWS::DynamoDB::Table): not run locally']);
    expect(p.files).toEqual(
      expect.arrayContaining([t, path.join(root, 'functions/fn'), path.join(root, 'layers/shared')]),
    );
  });

  it("runs a function with its layer's packages, as Lambda finds them in /opt", async () => {
    const t = project({
      'functions/fn/index.js': "exports.handler = async (e) => require('shout')(e.text);\n",
      'functions/py/app.py':
        'from shout import shout\n\ndef handler(event, context):\n    return shout(event["text"])\n',
      'layers/shout/nodejs/node_modules/shout/index.js': 'module.exports = (s) => s.toUpperCase() + "!";\n',
      'layers/shout/python/shout.py': 'def shout(s):\n    return s.upper() + "?"\n',
      'template.yaml': `
Resources:
  Shout:
    Type: AWS::Lambda::LayerVersion
    Properties: { Content: layers/shout }
  Fn:
    Type: AWS::Serverless::Function
    Properties: { CodeUri: functions/fn, Handler: index.handler, Runtime: nodejs20.x, Layers: [!Ref Shout] }
  Py:
    Type: AWS::Serverless::Function
    Properties: { CodeUri: functions/py, Handler: app.handler, Runtime: python3.12, Layers: [!Ref Shout] }
`,
    });
    // Readable by the worker user (nobody, when the tests run as root).
    fs.chmodSync(path.dirname(t), 0o755);
    const runtime = new FunctionRuntime({ region: 'us-east-1', accountId: '123456789012' });
    try {
      for (const f of load(t).functions) runtime.register(f.config);
      const node = await runtime.invoke('Fn', '{"text":"hi"}');
      const python = await runtime.invoke('Py', '{"text":"hi"}');
      expect([node.payload, python.payload].map((b) => JSON.parse(Buffer.from(b).toString()))).toEqual(['HI!', 'HI?']);
    } finally {
      await runtime.close();
    }
  });

  it('writes inline code to a folder of its own and runs what it can, naming what it does not', () => {
    const t = project({
      'template.yaml': `
Resources:
  Inline:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Code: { ZipFile: "def handler(e, c):\\n    return 1\\n" }
  OldNode:
    Type: AWS::Serverless::Function
    Properties: { InlineCode: "exports.handler = async () => 1", Handler: index.handler, Runtime: nodejs14.x }
  Java:
    Type: AWS::Serverless::Function
    Properties: { CodeUri: ., Handler: a.B::handle, Runtime: java21 }
  FromS3:
    Type: AWS::Lambda::Function
    Properties: { Code: { S3Bucket: b, S3Key: k }, Handler: index.handler, Runtime: nodejs20.x }
  Image:
    Type: AWS::Serverless::Function
    Properties: { PackageType: Image, ImageUri: repo/fn:latest }
  Api:
    Type: AWS::Serverless::Api
    Properties: { StageName: prod }
  Rule:
    Type: AWS::Events::Rule
    Condition: Never
    Properties: {}
Conditions:
  Never: !Equals [a, b]
`,
    });
    const p = load(t);
    expect(p.functions.map((f) => [f.config.name, f.config.runtime])).toEqual([
      ['Inline', 'python3.12'],
      ['OldNode', 'nodejs24.x'],
    ]);
    expect(fs.readFileSync(path.join(p.functions[0].config.codeDir, 'index.py'), 'utf8')).toBe(
      'def handler(e, c):\n    return 1\n',
    );
    expect(p.notes).toEqual(['function OldNode: runtime nodejs14.x runs on nodejs24.x here']);
    expect(p.skipped).toEqual([
      'skipped Rule (AWS::Events::Rule): its Condition Never is false',
      'skipped Java (AWS::Serverless::Function): runtime java21 is not run by Stepwright (Node.js and Python are); tasks that call it fail',
      'skipped FromS3 (AWS::Lambda::Function): its Code is in S3 ({"S3Bucket":"b","S3Key":"k"}); point Code at the code\'s folder to run it locally',
      'skipped Image (AWS::Serverless::Function): a container image function (PackageType: Image) is not run locally',
      'skipped Api (AWS::Serverless::Api): not run locally',
    ]);
  });

  it('reads DefinitionString, EXPRESS types and activities of AWS::StepFunctions resources', () => {
    const t = project({
      'template.yaml': `
Resources:
  Jobs:
    Type: AWS::StepFunctions::Activity
    Properties: { Name: jobs }
  Machine:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      StateMachineName: fast
      StateMachineType: EXPRESS
      DefinitionString: !Sub '{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"\${Jobs}","End":true}}}'
`,
    });
    const p = load(t);
    expect(p.activities).toEqual([{ logicalId: 'Jobs', name: 'jobs' }]);
    expect(p.stateMachines.map((m) => [m.name, m.type, JSON.parse(m.definition).States.A.Resource])).toEqual([
      ['fast', 'EXPRESS', 'arn:aws:states:us-east-1:123456789012:activity:jobs'],
    ]);
  });

  it('notes a placeholder no substitution gives a value', () => {
    const t = project({
      'flow.asl.json': '{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"${FnArn}","End":true}}}',
      'template.yaml':
        'Resources:\n  Flow:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: flow.asl.json\n',
    });
    expect(load(t).notes).toEqual([
      'state machine Flow: ${FnArn} not in Resources.Flow.Properties.DefinitionSubstitutions; left as written',
    ]);
  });

  it('names the line and the path of what is wrong', () => {
    expect(loadError(project({ 'template.yaml': 'Resources:\n  A:\n    Type: X\n   Properties: [\n' }))).toMatch(
      /template\.yaml:\d+:\d+: /,
    );
    const missingFile = project({
      'template.yaml':
        'Resources:\n  Flow:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: nowhere.asl.json\n',
    });
    expect(loadError(missingFile)).toMatch(
      /template\.yaml:5:22: Resources\.Flow\.Properties\.DefinitionUri: cannot read nowhere\.asl\.json: no such file/,
    );
    const badRef = project({
      'template.yaml':
        'Resources:\n  Flow:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      Definition:\n        StartAt: !Ref Missing\n',
    });
    expect(loadError(badRef)).toMatch(
      /template\.yaml:6:23: Resources\.Flow\.Properties\.Definition\.StartAt\.Ref: Ref to 'Missing': no parameter or resource of that name/,
    );
    const noHandler = project({
      [FN]: HANDLER,
      'template.yaml':
        'Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties: { CodeUri: functions/fn, Runtime: nodejs20.x }\n',
    });
    expect(loadError(noHandler)).toMatch(/Resources\.Fn\.Properties\.Handler: a function needs a Handler/);
    const twice = project({
      'template.yaml': `
Resources:
  A:
    Type: AWS::Serverless::StateMachine
    Properties: { Name: same, Definition: { StartAt: P, States: { P: { Type: Succeed } } } }
  B:
    Type: AWS::Serverless::StateMachine
    Properties: { Name: same, Definition: { StartAt: P, States: { P: { Type: Succeed } } } }
`,
    });
    expect(loadError(twice)).toMatch(/Resources\.B: A is a state machine named same too/);
    const unbuilt = project({
      'template.yaml':
        'Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties: { CodeUri: dist/, Handler: a.b, Runtime: nodejs20.x }\n',
    });
    expect(load(unbuilt).skipped).toEqual([
      `skipped Fn (AWS::Serverless::Function): its CodeUri dist/ does not exist (${unbuilt}:4:28, looked for ${path.join(path.dirname(unbuilt), 'dist')}); build it, or point CodeUri at the code`,
    ]);
  });

  it('takes parameter values from their Default or the overrides, checked as CloudFormation checks them', () => {
    const t = project({
      'template.yaml': `
Parameters:
  Stage: { Type: String, AllowedValues: [dev, prod] }
  Size: { Type: Number, Default: 3 }
Resources:
  Flow:
    Type: AWS::Serverless::StateMachine
    Properties:
      Definition: { StartAt: P, States: { P: { Type: Pass, Result: { stage: !Ref Stage, size: !Ref Size }, End: true } } }
`,
    });
    expect(loadError(t)).toMatch(
      /template\.yaml:3:10: Parameters\.Stage: has no Default; give it a value with --parameter-overrides Stage=VALUE/,
    );
    expect(loadError(t, { Stage: 'qa' })).toMatch(
      /Parameters\.Stage: 'qa' is not one of its AllowedValues \(dev, prod\)/,
    );
    expect(loadError(t, { Stage: 'dev', Colour: 'red' })).toMatch(
      /--parameter-overrides gives 'Colour', which is not in the template's Parameters \(Stage, Size\)/,
    );
    expect(JSON.parse(load(t, { Stage: 'prod', Size: '5' }).stateMachines[0].definition).States.P.Result).toEqual({
      stage: 'prod',
      size: '5',
    });
  });

  it("evaluates only what it reads: Policies naming a deployment's values do not stop the template; SAM's generated role has an ARN", () => {
    const t = project({
      [FN]: HANDLER,
      'template.yaml': `
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: functions/fn
      Handler: index.handler
      Runtime: nodejs20.x
      Policies: [{ Statement: [{ Effect: Allow, Resource: !ImportValue shared-bucket }] }]
  Flow:
    Type: AWS::Serverless::StateMachine
    Properties:
      Role: !GetAtt NotInTheTemplate.Arn
      DefinitionSubstitutions: { RoleArn: !GetAtt FnRole.Arn }
      Definition: { StartAt: P, States: { P: { Type: Pass, Result: '\${RoleArn}', End: true } } }
`,
    });
    const p = load(t);
    expect(p.functions.map((f) => f.config.name)).toEqual(['Fn']);
    expect(JSON.parse(p.stateMachines[0].definition).States.P.Result).toBe('arn:aws:iam::123456789012:role/FnRole');
  });

  it('reads a JSON template', () => {
    const t = project({
      'template.yaml': JSON.stringify({
        Resources: {
          Q: { Type: 'AWS::SQS::Queue' },
          F: {
            Type: 'AWS::StepFunctions::StateMachine',
            Properties: {
              Definition: {
                StartAt: 'P',
                States: { P: { Type: 'Pass', Result: { 'Fn::GetAtt': ['Q', 'QueueUrl'] }, End: true } },
              },
            },
          },
        },
      }),
    });
    expect(JSON.parse(load(t).stateMachines[0].definition).States.P.Result).toBe(
      'https://sqs.us-east-1.amazonaws.com/123456789012/Q',
    );
  });

  // CloudFormation deploys a template with a key given twice, the last one winning (and SAM CLI's
  // PyYAML reads it so): aws-samples' sfn-dynamodb-batchwriteitem gives Handler twice.
  it('takes the last of a key given twice, as CloudFormation does', () => {
    const t = project({
      'template.yaml': `
AWSTemplateFormatVersion: '2010-09-09'
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: missing.handler
      Runtime: nodejs20.x
      CodeUri: functions/fn
      Handler: index.handler
  Flow:
    Type: AWS::Serverless::StateMachine
    Properties:
      Definition: { StartAt: P, States: { P: { Type: Pass, Result: 1, End: true } } }
      Definition: { StartAt: P, States: { P: { Type: Pass, Result: 2, End: true } } }
`,
      [FN]: HANDLER,
    });
    const sam = load(t);
    expect(sam.functions[0].config.handler).toBe('index.handler');
    expect(JSON.parse(sam.stateMachines[0].definition).States.P.Result).toBe(2);
  });
});

describe('parseParameterOverrides', () => {
  it('reads the forms sam deploy takes', () => {
    expect(parseParameterOverrides(['A=1 B="two words"', 'ParameterKey=C,ParameterValue=x=y', "D='q'"])).toEqual({
      A: '1',
      B: 'two words',
      C: 'x=y',
      D: 'q',
    });
    expect(() => parseParameterOverrides(['novalue'])).toThrow(/'novalue' is not Key=Value/);
  });
});
