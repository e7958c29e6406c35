/**
 * Functions of a project: `functions/<name>/` folders, each with an optional `function.json`
 * (`runtime`, `handler`, `environment`, `timeoutSeconds` / `timeout`, `memoryMB` / `memorySize`,
 * `reservedConcurrency`, `description`). Without one, the files present decide: `index.*` →
 * nodejs20.x `index.handler`, `lambda_function.py` → python3.12 `lambda_function.lambda_handler`.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  FUNCTION_NAME_PATTERN,
  FUNCTION_RUNTIMES,
  isFunctionRuntimeName,
  type FunctionConfig,
  type FunctionRuntimeName,
} from './config.js';

const NODE_INDEX = ['index.js', 'index.mjs', 'index.cjs', 'index.ts', 'index.mts'];

export class FunctionConfigError extends Error {
  override readonly name = 'FunctionConfigError';
}

/**
 * The functions of `dir`, one per folder. With `onError`, a folder that cannot be loaded is
 * reported there and the others load (one broken function does not stop a project); without, it throws.
 */
export function loadFunctionsDir(dir: string, onError?: (folder: string, error: FunctionConfigError) => void): FunctionConfig[] {
  if (!fs.existsSync(dir)) return [];
  const configs: FunctionConfig[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    try {
      configs.push(loadFunctionDir(path.join(dir, entry.name), entry.name));
    } catch (e) {
      if (onError === undefined || !(e instanceof FunctionConfigError)) throw e;
      onError(entry.name, e);
    }
  }
  return configs;
}

export function loadFunctionDir(codeDir: string, name = path.basename(codeDir)): FunctionConfig {
  const abs = path.resolve(codeDir);
  const configFile = path.join(abs, 'function.json');
  let raw: Record<string, unknown> = {};
  if (fs.existsSync(configFile)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(fs.readFileSync(configFile, 'utf8'));
    } catch (e) {
      throw new FunctionConfigError(`${configFile}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new FunctionConfigError(`${configFile}: expected a JSON object`);
    raw = parsed as Record<string, unknown>;
  }
  const fnName = typeof raw.name === 'string' ? raw.name : name;
  if (!FUNCTION_NAME_PATTERN.test(fnName)) throw new FunctionConfigError(`${abs}: invalid function name '${fnName}'`);
  const detected = detect(abs);
  const runtime = raw.runtime ?? detected?.runtime;
  if (!isFunctionRuntimeName(runtime)) {
    throw new FunctionConfigError(
      `${abs}: ${raw.runtime === undefined ? 'cannot tell the runtime (add function.json with "runtime")' : `unsupported runtime '${String(raw.runtime)}' (Stepwright runs ${FUNCTION_RUNTIMES.join(', ')})`}`,
    );
  }
  const handler =
    typeof raw.handler === 'string'
      ? raw.handler
      : runtime.startsWith('nodejs')
        ? 'index.handler'
        : 'lambda_function.lambda_handler';
  const environment = stringRecord(
    raw.environment ?? (isObject(raw.Environment) ? raw.Environment.Variables : undefined),
    `${configFile} environment`,
  );
  const timeoutSeconds = numberOf(raw.timeoutSeconds ?? raw.timeout ?? raw.Timeout);
  const memoryMB = numberOf(raw.memoryMB ?? raw.memorySize ?? raw.MemorySize);
  const reservedConcurrency = numberOf(raw.reservedConcurrency);
  return {
    name: fnName,
    runtime,
    handler,
    codeDir: abs,
    ...(environment !== undefined ? { environment } : {}),
    ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
    ...(memoryMB !== undefined ? { memoryMB } : {}),
    ...(reservedConcurrency !== undefined ? { reservedConcurrency } : {}),
    ...(typeof raw.description === 'string' ? { description: raw.description } : {}),
  };
}

function detect(dir: string): { runtime: FunctionRuntimeName } | undefined {
  if (NODE_INDEX.some((f) => fs.existsSync(path.join(dir, f)))) return { runtime: 'nodejs20.x' };
  if (fs.existsSync(path.join(dir, 'lambda_function.py'))) return { runtime: 'python3.12' };
  return undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function numberOf(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function stringRecord(v: unknown, where: string): Record<string, string> | undefined {
  if (v === undefined) return undefined;
  if (!isObject(v)) throw new FunctionConfigError(`${where}: expected an object of strings`);
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) {
    if (typeof val !== 'string') throw new FunctionConfigError(`${where}: '${k}' is not a string`);
    out[k] = val;
  }
  return out;
}
