/**
 * `AWS::Serverless::Function` and `AWS::Lambda::Function` as function configs: CodeUri / Code (a
 * folder, or inline code written to one), Handler, Runtime, Environment, Timeout, MemorySize,
 * ReservedConcurrentExecutions, and Layers as folders. A layer's folder is what Lambda extracts to
 * /opt: its `nodejs/node_modules` go on NODE_PATH and its `python/` on PYTHONPATH, so Node's
 * `require` and Python's `import` of a layer's packages work as on Lambda (an ES module's bare
 * import does not read NODE_PATH).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  FUNCTION_NAME_PATTERN,
  FUNCTION_RUNTIMES,
  isFunctionRuntimeName,
  type FunctionConfig,
  type FunctionRuntimeName,
} from '../../functions/index.js';
import { SamTemplateError, pathText, type TemplatePath } from './errors.js';

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

export interface FunctionSource {
  readonly logicalId: string;
  readonly type: string;
  readonly name: string;
  /** Properties with Globals merged and intrinsics resolved. */
  readonly properties: Record<string, unknown>;
  readonly at: TemplatePath;
}

export interface FunctionLoadContext {
  readonly templateDir: string;
  /** Where inline code (InlineCode, Code.ZipFile) is written. */
  readonly inlineCodeDir: string;
  /** Layer ARN (as `Ref` of a layer resource gives it) → its folder. */
  readonly layerFolders: ReadonlyMap<string, string>;
  placeOf(at: TemplatePath): string;
}

/** A function to register, a line saying why it is not run, or notes beside a config. */
export type FunctionOutcome =
  | { readonly kind: 'function'; readonly config: FunctionConfig; readonly notes: string[]; readonly watched: string[] }
  | { readonly kind: 'skipped'; readonly reason: string; readonly missing?: string };

export function loadFunctionResource(source: FunctionSource, ctx: FunctionLoadContext): FunctionOutcome {
  const p = source.properties;
  const at = (...rest: (string | number)[]): TemplatePath => [...source.at, 'Properties', ...rest];
  const fail = (where: TemplatePath, message: string): never => {
    throw new SamTemplateError(`${ctx.placeOf(where)}: ${pathText(where)}: ${message}`);
  };
  if (p.PackageType === 'Image')
    return { kind: 'skipped', reason: 'a container image function (PackageType: Image) is not run locally' };
  const notes: string[] = [];

  const requested = p.Runtime;
  if (typeof requested !== 'string')
    return fail(at('Runtime'), 'a function needs a Runtime (here or in Globals.Function)');
  const runtime = runtimeFor(requested);
  if (runtime === undefined)
    return {
      kind: 'skipped',
      reason: `runtime ${requested} is not run by Stepwright (Node.js and Python are); tasks that call it fail`,
    };
  if (runtime !== requested) notes.push(`function ${source.name}: runtime ${requested} runs on ${runtime} here`);

  const handler = p.Handler;
  if (typeof handler !== 'string' || handler === '')
    return fail(at('Handler'), 'a function needs a Handler (here or in Globals.Function)');

  const code = codeFolder(source, ctx, runtime, handler, fail, at);
  if (typeof code !== 'string') return code;
  if (!FUNCTION_NAME_PATTERN.test(source.name)) {
    return fail(
      p.FunctionName === undefined ? source.at : at('FunctionName'),
      `'${source.name}' is not a valid function name (letters, digits, - and _, up to 64)`,
    );
  }

  const environment: Record<string, string> = {};
  const variables = isRecord(p.Environment) ? p.Environment.Variables : undefined;
  if (variables !== undefined) {
    if (!isRecord(variables)) return fail(at('Environment', 'Variables'), 'expected a map of names to values');
    for (const [k, v] of Object.entries(variables)) {
      // CloudFormation turns numbers and booleans into the strings Lambda keeps.
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') environment[k] = String(v);
      else fail(at('Environment', 'Variables', k), `expected a string, got ${JSON.stringify(v)}`);
    }
  }
  const watched = [code];
  const layers = Array.isArray(p.Layers) ? p.Layers : [];
  const layerDirs: string[] = [];
  layers.forEach((arn, i) => {
    const folder = typeof arn === 'string' ? ctx.layerFolders.get(arn) : undefined;
    if (folder === undefined)
      notes.push(
        `function ${source.name}: layer ${typeof arn === 'string' ? arn : JSON.stringify(arn)} is not a folder of this template (${pathText(at('Layers', i))}); its code is not available`,
      );
    else layerDirs.push(folder);
  });
  for (const dir of layerDirs) watched.push(dir);
  const search = layerSearchPaths(layerDirs, runtime);
  for (const [variable, dirs] of Object.entries(search)) {
    if (dirs.length === 0) continue;
    environment[variable] = [...dirs, ...(environment[variable] !== undefined ? [environment[variable]] : [])].join(
      path.delimiter,
    );
  }

  const timeoutSeconds = numberProperty(p.Timeout, at('Timeout'), fail);
  const memoryMB = numberProperty(p.MemorySize, at('MemorySize'), fail);
  const reservedConcurrency = numberProperty(p.ReservedConcurrentExecutions, at('ReservedConcurrentExecutions'), fail);
  const config: FunctionConfig = {
    name: source.name,
    runtime,
    handler,
    codeDir: code,
    ...(Object.keys(environment).length > 0 ? { environment } : {}),
    ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
    ...(memoryMB !== undefined ? { memoryMB } : {}),
    ...(reservedConcurrency !== undefined ? { reservedConcurrency } : {}),
    ...(typeof p.Description === 'string' ? { description: p.Description } : {}),
  };
  return { kind: 'function', config, notes, watched };
}

/** The runtime asked for, or the newest of its family here when this one is not (nodejs18.x → nodejs22.x). */
function runtimeFor(requested: string): FunctionRuntimeName | undefined {
  if (isFunctionRuntimeName(requested)) return requested;
  const family = requested.startsWith('nodejs') ? 'nodejs' : requested.startsWith('python3') ? 'python3' : undefined;
  if (family === undefined) return undefined;
  return FUNCTION_RUNTIMES.filter((r) => r.startsWith(family)).at(-1);
}

/** The function's code folder: CodeUri / Code as a folder, or its inline code written to one. */
function codeFolder(
  source: FunctionSource,
  ctx: FunctionLoadContext,
  runtime: FunctionRuntimeName,
  handler: string,
  fail: (where: TemplatePath, message: string) => never,
  at: (...rest: (string | number)[]) => TemplatePath,
): string | { kind: 'skipped'; reason: string; missing?: string } {
  const p = source.properties;
  const serverless = source.type === 'AWS::Serverless::Function';
  const inline = serverless ? p.InlineCode : isRecord(p.Code) ? p.Code.ZipFile : undefined;
  if (inline !== undefined) {
    if (typeof inline !== 'string')
      return fail(serverless ? at('InlineCode') : at('Code', 'ZipFile'), 'expected the code as a string');
    return writeInlineCode(ctx.inlineCodeDir, source.name, runtime, handler, inline);
  }
  const key = serverless ? 'CodeUri' : 'Code';
  // SAM CLI reads a function without CodeUri from the template's folder.
  const uri = p[key] ?? (serverless ? '.' : undefined);
  if (uri === undefined) return fail(at(key), 'a function needs Code (a folder, or ZipFile)');
  if (typeof uri !== 'string') {
    return {
      kind: 'skipped',
      reason: `its ${key} is in S3 (${JSON.stringify(uri)}); point ${key} at the code's folder to run it locally`,
    };
  }
  if (/^s3:\/\//.test(uri))
    return {
      kind: 'skipped',
      reason: `its ${key} ${uri} is in S3; point ${key} at the code's folder to run it locally`,
    };
  const dir = path.resolve(ctx.templateDir, uri);
  // Often a build's output (`dist/…`) not built yet: this function waits, the others run.
  if (!fs.existsSync(dir))
    return {
      kind: 'skipped',
      reason: `its ${key} ${uri} does not exist (${ctx.placeOf(at(key))}, looked for ${dir}); build it, or point ${key} at the code`,
      missing: dir,
    };
  if (!fs.statSync(dir).isDirectory()) {
    return {
      kind: 'skipped',
      reason: `its ${key} ${uri} is a file; point ${key} at the code's folder (an unzipped package) to run it locally`,
    };
  }
  return dir;
}

/** Inline code as CloudFormation deploys it: `index.js` (or `index.py`) in a folder of its own. */
function writeInlineCode(
  root: string,
  name: string,
  runtime: FunctionRuntimeName,
  handler: string,
  code: string,
): string {
  const file = `${handler.slice(0, Math.max(0, handler.lastIndexOf('.'))) || 'index'}${runtime.startsWith('nodejs') ? '.js' : '.py'}`;
  const dir = path.join(
    root,
    `${name}-${createHash('sha256').update(file).update('\0').update(code).digest('hex').slice(0, 12)}`,
  );
  fs.mkdirSync(dir, { recursive: true });
  const target = path.join(dir, file);
  // Only inside the folder: a handler like `../x.handler` would write elsewhere.
  if (path.relative(dir, target).startsWith('..'))
    throw new SamTemplateError(`function ${name}: handler ${handler} points outside its code folder`);
  fs.mkdirSync(path.dirname(target), { recursive: true }); // a handler like `src/index.handler`
  fs.writeFileSync(target, code);
  return dir;
}

/** Where Lambda's runtimes look in /opt, mapped onto the layer folders (the existing ones). */
function layerSearchPaths(
  dirs: readonly string[],
  runtime: FunctionRuntimeName,
): { NODE_PATH: string[]; PYTHONPATH: string[] } {
  const out = { NODE_PATH: [] as string[], PYTHONPATH: [] as string[] };
  const isDir = (d: string): boolean => fs.existsSync(d) && fs.statSync(d).isDirectory();
  for (const dir of dirs) {
    if (runtime.startsWith('nodejs')) {
      const major = /^nodejs(\d+)/.exec(runtime)?.[1];
      // Lambda's NODE_PATH: /opt/nodejs/nodeNN/node_modules, /opt/nodejs/node_modules; a folder not yet built by `sam build` has node_modules at its root.
      for (const d of [
        path.join(dir, 'nodejs', `node${major}`, 'node_modules'),
        path.join(dir, 'nodejs', 'node_modules'),
        path.join(dir, 'node_modules'),
      ])
        if (isDir(d)) out.NODE_PATH.push(d);
    } else {
      const python = path.join(dir, 'python');
      const sitePackages = isDir(path.join(python, 'lib'))
        ? fs
            .readdirSync(path.join(python, 'lib'))
            .filter((v) => v.startsWith('python'))
            .map((v) => path.join(python, 'lib', v, 'site-packages'))
        : [];
      // Lambda's PYTHONPATH has /opt/python and /opt/python/lib/python3.X/site-packages; unbuilt, the folder itself.
      const found = [python, ...sitePackages].filter(isDir);
      out.PYTHONPATH.push(...(found.length > 0 ? found : [dir]));
    }
  }
  return out;
}

function numberProperty(
  v: unknown,
  at: TemplatePath,
  fail: (where: TemplatePath, message: string) => never,
): number | undefined {
  if (v === undefined) return undefined;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) return fail(at, `expected a number, got ${JSON.stringify(v)}`);
  return n;
}
