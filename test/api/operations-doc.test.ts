/**
 * docs/api.md lists, for each API, the operations of AWS's model and which ones Stepwright
 * implements. The lists between the `<!-- operations:… -->` markers are generated here from the
 * models and from the operation tables the servers dispatch on, and must equal the doc: implement
 * or remove an operation and this fails until the doc says so. `UPDATE_API_DOC=1 npx vitest run
 * test/api/operations-doc.test.ts` writes the generated lists into the doc.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMPLEMENTED_LAMBDA_OPERATIONS } from '../../src/api/lambda/handler.js';
import lambdaModel from '../../src/api/lambda/model.json' with { type: 'json' };
import { LAMBDA_OPERATION_NAMES } from '../../src/api/lambda/model-routes.js';
import { createSfnOperations } from '../../src/api/sfn/index.js';
import { definitionOperations } from '../../src/api/sfn/operations.js';
import { OPERATION_NAMES as SFN_OPERATION_NAMES } from '../../src/api/sfn/validation.js';
import { createApp, type App } from '../../src/app/create-app.js';

const DOC = fileURLToPath(new URL('../../docs/api.md', import.meta.url));

let dataDir: string;
let stepwright: App;
const stopping = new AbortController();
/** The Step Functions operations as `stepwright server` mounts them (createServer adds definitionOperations). */
let sfnImplemented: string[];

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-api-doc-'));
  stepwright = await createApp({ dataDir });
  const operations = createSfnOperations(
    { service: stepwright.service, region: 'us-east-1', accountId: '123456789012' },
    { signal: stopping.signal },
  );
  sfnImplemented = Object.keys({ ...definitionOperations, ...operations }).sort();
});
afterAll(async () => {
  stopping.abort();
  await stepwright.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function sfnSection(): string {
  const implemented = SFN_OPERATION_NAMES.filter((n) => sfnImplemented.includes(n)).sort();
  const missing = SFN_OPERATION_NAMES.filter((n) => !sfnImplemented.includes(n)).sort();
  return [
    `${implemented.length} of the ${SFN_OPERATION_NAMES.length} operations of the model are implemented.`,
    '',
    '| operation | Stepwright |',
    '|---|---|',
    ...implemented.map((n) => `| \`${n}\` | implemented |`),
    ...missing.map((n) => `| \`${n}\` | not yet: \`UnknownOperationException\` |`),
  ].join('\n');
}

function lambdaSection(): string {
  const implemented = LAMBDA_OPERATION_NAMES.filter((n) => IMPLEMENTED_LAMBDA_OPERATIONS.includes(n));
  const missing = LAMBDA_OPERATION_NAMES.filter((n) => !IMPLEMENTED_LAMBDA_OPERATIONS.includes(n));
  const row = (n: (typeof LAMBDA_OPERATION_NAMES)[number], state: string): string => {
    const op: { method: string; requestUri: string; deprecated?: boolean } = lambdaModel.operations[n];
    return `| \`${n}\`${op.deprecated === true ? ' (deprecated)' : ''} | \`${op.method} ${op.requestUri}\` | ${state} |`;
  };
  return [
    `${implemented.length} of the ${LAMBDA_OPERATION_NAMES.length} operations of the model are implemented.`,
    '',
    '| operation | request | Stepwright |',
    '|---|---|---|',
    ...implemented.map((n) => row(n, 'implemented')),
    ...missing.map((n) => row(n, 'not yet: `UnknownOperationException`')),
  ].join('\n');
}

function withSection(doc: string, name: string, body: string): string {
  const pattern = new RegExp(`(<!-- operations:${name} -->\\n)[\\s\\S]*?(<!-- /operations:${name} -->)`);
  if (!pattern.test(doc)) throw new Error(`docs/api.md has no <!-- operations:${name} --> … <!-- /operations:${name} --> block`);
  return doc.replace(pattern, (_m, open: string, close: string) => `${open}${body}\n${close}`);
}

describe('docs/api.md', () => {
  it('lists every operation of both models and whether Stepwright implements it', () => {
    let doc = fs.readFileSync(DOC, 'utf8');
    const generated = withSection(withSection(doc, 'stepfunctions', sfnSection()), 'lambda', lambdaSection());
    if (process.env.UPDATE_API_DOC === '1' && generated !== doc) {
      fs.writeFileSync(DOC, generated);
      doc = generated;
    }
    expect(doc, 'docs/api.md is stale: run UPDATE_API_DOC=1 npx vitest run test/api/operations-doc.test.ts').toBe(generated);
  });

  it('implements no Step Functions operation outside the model', () => {
    expect(sfnImplemented.filter((n) => !SFN_OPERATION_NAMES.includes(n))).toEqual([]);
  });
});
