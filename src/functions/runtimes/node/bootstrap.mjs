// Stepwright's Node runtime bootstrap: runs inside a worker process, loads the function's handler
// the way Lambda's Node runtime does, and serves one invocation at a time over the IPC channel.
// Parent → child: { type: 'invoke', requestId, payload (JSON text), deadlineMs }.
// Child → parent: { type: 'ready' } | { type: 'init-error', body } once, then per invocation
// { type: 'result', requestId, ok, payload | body, logs, maxRssKB }.
import { createRequire, Module } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import util from 'node:util';
import { Buffer } from 'node:buffer';
import { setTimeout } from 'node:timers';
import { Worker as Thread } from 'node:worker_threads';

const MAX_RESPONSE_BYTES = 6_291_556;
const MAX_LOG_CHARS = 1_048_576;

const env = process.env;
const taskRoot = env.LAMBDA_TASK_ROOT ?? process.cwd();
const handlerString = env._HANDLER ?? 'index.handler';

// The SDK Lambda's runtime provides, for ES modules too (NODE_PATH serves require only): a bare
// @aws-sdk/… or @smithy/… import that the handler's own folders do not resolve is resolved from
// the folder the server made for it (src/functions/sdk-modules.ts).
const SDK_HOOK = `
let parentURL;
export function initialize(data) { parentURL = data; }
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (e) {
    if (e?.code === 'ERR_MODULE_NOT_FOUND' && /^@(aws-sdk|smithy)\\//.test(specifier)) return next(specifier, { ...context, parentURL });
    throw e;
  }
}`;
if (env.STEPWRIGHT_LAMBDA_SDK && typeof Module.register === 'function') {
  Module.register(`data:text/javascript,${encodeURIComponent(SDK_HOOK)}`, import.meta.url, {
    data: pathToFileURL(path.join(path.dirname(env.STEPWRIGHT_LAMBDA_SDK), 'handler.mjs')).href,
  });
}

// ---- log capture -------------------------------------------------------------------------------
// Everything the handler writes goes into the current invocation's log (or the init log before the
// first one), never to the real stdout, which the parent treats as stray output.
let logChunks = [];
let logSize = 0;
let currentRequestId;

function appendLog(text) {
  if (logSize >= MAX_LOG_CHARS) return;
  const room = MAX_LOG_CHARS - logSize;
  const piece = text.length > room ? text.slice(0, room) : text;
  logChunks.push(piece);
  logSize += piece.length;
}
function takeLogs() {
  const text = logChunks.join('');
  logChunks = [];
  logSize = 0;
  return text;
}
function captureWrite(chunk, encoding, cb) {
  appendLog(
    typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString(typeof encoding === 'string' ? encoding : 'utf8'),
  );
  const done = typeof encoding === 'function' ? encoding : cb;
  if (typeof done === 'function') done();
  return true;
}
process.stdout.write = captureWrite;
process.stderr.write = captureWrite;

// Lambda's console format: `<ISO time>\t<request id>\t<LEVEL>\t<message>`.
function consoleMethod(level) {
  return (...args) => {
    const message = util.format(...args).replace(/\n/g, '\r');
    appendLog(`${new Date().toISOString()}\t${currentRequestId ?? 'undefined'}\t${level}\t${message}\n`);
  };
}
console.log = consoleMethod('INFO');
console.info = consoleMethod('INFO');
console.warn = consoleMethod('WARN');
console.error = consoleMethod('ERROR');
console.debug = consoleMethod('DEBUG');
console.trace = consoleMethod('TRACE');

// ---- error shapes as Lambda's Node runtime writes them ----------------------------------------
function isErrorLike(e) {
  return (
    e instanceof Error ||
    (e !== null && typeof e === 'object' && typeof e.name === 'string' && typeof e.message === 'string')
  );
}
// Stack traces show the task root as Lambda's /var/task when asked (STEPWRIGHT_TASK_ROOT_ALIAS):
// `/srv/code/index.js:3` and `file:///srv/code/index.mjs:3` become `/var/task/index.js:3` and
// `file:///var/task/index.mjs:3`, as Lambda reports them.
const taskRootAlias = env.STEPWRIGHT_TASK_ROOT_ALIAS;
const taskRootPrefix = taskRoot.replace(/\/+$/, '') + '/';
const taskRootUrlPrefix = pathToFileURL(taskRootPrefix).href;
function stackLines(stack) {
  const lines = stack.split('\n');
  if (!taskRootAlias) return lines;
  const alias = taskRootAlias.replace(/\/+$/, '') + '/';
  const aliasUrl = 'file://' + alias;
  return lines.map((line) => line.split(taskRootUrlPrefix).join(aliasUrl).split(taskRootPrefix).join(alias));
}
function errorBody(e, forcedType) {
  if (isErrorLike(e)) {
    const trace = typeof e.stack === 'string' ? stackLines(e.stack) : [];
    return { errorType: forcedType ?? e.name, errorMessage: e.message, trace };
  }
  return { errorType: forcedType ?? typeof e, errorMessage: String(e), trace: [] };
}
function initErrorBody(type, message, e) {
  const trace = isErrorLike(e) && typeof e.stack === 'string' ? stackLines(e.stack) : [];
  return { errorType: type, errorMessage: message, trace };
}

// ---- loading the handler ------------------------------------------------------------------------
function splitHandler(handler) {
  const slash = handler.lastIndexOf('/');
  const dir = handler.slice(0, slash + 1);
  const rest = handler.slice(slash + 1);
  const dot = rest.indexOf('.');
  if (dot < 0) return { moduleName: handler, exportPath: '' };
  return { moduleName: dir + rest.slice(0, dot), exportPath: rest.slice(dot + 1) };
}

function isModuleType(dir) {
  // The nearest package.json decides how a `.js` file is loaded, as in Node.
  let d = dir;
  for (;;) {
    const p = path.join(d, 'package.json');
    if (fs.existsSync(p)) {
      try {
        return JSON.parse(fs.readFileSync(p, 'utf8')).type === 'module';
      } catch {
        return false;
      }
    }
    const up = path.dirname(d);
    if (up === d) return false;
    d = up;
  }
}

async function loadTypeScript(file) {
  // TypeScript handlers are bundled (imports of the code folder inlined, packages left to require)
  // to CommonJS and compiled as a module at the original path, so that require() of packages
  // resolves from the function's folder. No type-check, as the issue asks.
  const esbuild = await import('esbuild');
  let out;
  try {
    out = esbuild.buildSync({
      entryPoints: [file],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      packages: 'external',
      write: false,
      logLevel: 'silent',
      sourcemap: 'inline',
    });
  } catch (e) {
    // esbuild's parse errors are a TypeScript file's syntax errors: Lambda's Node runtime reports
    // a JavaScript one as Runtime.UserCodeSyntaxError, and so does this for TypeScript.
    const first = Array.isArray(e?.errors) ? e.errors[0] : undefined;
    if (first === undefined) throw e;
    const where = first.location ? `${path.resolve(first.location.file)}:${first.location.line}:${first.location.column + 1}` : file;
    const message = `SyntaxError: ${first.text}`;
    throw {
      lambda: { errorType: 'Runtime.UserCodeSyntaxError', errorMessage: message, trace: stackLines(`Runtime.UserCodeSyntaxError: ${message}\n    at ${where}`) },
    };
  }
  const code = out.outputFiles[0].text;
  const m = new Module(file);
  m.filename = file;
  m.paths = Module._nodeModulePaths(path.dirname(file));
  m._compile(code, file);
  return m.exports;
}

async function loadModule(moduleName) {
  const base = path.resolve(taskRoot, moduleName);
  const candidates = ['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts'].map((ext) => base + ext);
  const file = candidates.find((f) => fs.existsSync(f));
  if (file === undefined) {
    const e = new Error(`Cannot find module '${moduleName}'`);
    e.code = 'MODULE_NOT_FOUND';
    throw e;
  }
  if (file.endsWith('.ts') || file.endsWith('.mts') || file.endsWith('.cts')) return loadTypeScript(file);
  if (file.endsWith('.mjs') || (file.endsWith('.js') && isModuleType(path.dirname(file))))
    return import(pathToFileURL(file).href);
  return createRequire(file)(file);
}

function resolveExport(mod, exportPath) {
  let value = mod;
  for (const key of exportPath.split('.')) {
    if (value === null || value === undefined) return undefined;
    value = value[key];
  }
  // import() of a CommonJS module puts module.exports on `default`.
  if (value === undefined && mod !== null && typeof mod === 'object' && 'default' in mod && exportPath !== 'default') {
    return resolveExport(mod.default, exportPath);
  }
  return value;
}

async function loadHandler() {
  const { moduleName, exportPath } = splitHandler(handlerString);
  if (exportPath === '') {
    throw { lambda: initErrorBody('Runtime.MalformedHandlerName', `Bad handler ${handlerString}`) };
  }
  let mod;
  try {
    mod = await loadModule(moduleName);
  } catch (e) {
    if (e !== null && typeof e === 'object' && 'lambda' in e) throw e;
    if (e instanceof SyntaxError) {
      throw { lambda: initErrorBody('Runtime.UserCodeSyntaxError', `${e.name}: ${e.message}`, e) };
    }
    if (isErrorLike(e) && (e.code === 'MODULE_NOT_FOUND' || e.code === 'ERR_MODULE_NOT_FOUND')) {
      throw { lambda: initErrorBody('Runtime.ImportModuleError', `Error: ${e.message}`, e) };
    }
    // An error thrown while the module initialises is reported as itself, as on Lambda.
    throw { lambda: errorBody(e) };
  }
  const handler = resolveExport(mod, exportPath);
  if (handler === undefined) {
    throw { lambda: initErrorBody('Runtime.HandlerNotFound', `${handlerString} is undefined or not exported`) };
  }
  if (typeof handler !== 'function') {
    throw { lambda: initErrorBody('Runtime.HandlerNotFound', `${handlerString} is not a function`) };
  }
  return handler;
}

// ---- invocation -----------------------------------------------------------------------------------
function makeContext(requestId, deadlineMs, settle) {
  const ctx = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: env.STEPWRIGHT_INVOKED_FUNCTION_ARN,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: requestId,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    identity: undefined,
    clientContext: undefined,
    getRemainingTimeInMillis: () => Math.max(0, deadlineMs - Date.now()),
    // Legacy completion methods Lambda still offers.
    succeed: (result) => settle(undefined, result),
    fail: (err) => settle(err ?? 'handled', undefined),
    done: (err, result) => settle(err, result),
  };
  return ctx;
}

/** Whether anything beyond what was active before the invocation (timers, sockets, requests) is left. */
function hasPendingWork(baseline) {
  const counts = new Map();
  for (const t of process.getActiveResourcesInfo()) counts.set(t, (counts.get(t) ?? 0) + 1);
  for (const t of baseline) counts.set(t, (counts.get(t) ?? 0) - 1);
  for (const n of counts.values()) if (n > 0) return true;
  return false;
}

async function drainEventLoop(baseline) {
  while (hasPendingWork(baseline)) await new Promise((r) => setTimeout(r, 1));
}

function runHandler(handler, event, requestId, deadlineMs) {
  const baseline = process.getActiveResourcesInfo();
  return new Promise((resolve) => {
    let settled = false;
    const settle = (err, result) => {
      if (settled) return;
      settled = true;
      resolve(err !== undefined && err !== null ? { ok: false, error: err } : { ok: true, result });
    };
    // A callback (or context.done/succeed/fail) answers only once the event loop is empty unless
    // the handler sets context.callbackWaitsForEmptyEventLoop = false, as on Lambda.
    let called = false;
    const viaCallback = (err, result) => {
      if (called || settled) return;
      called = true;
      if (context.callbackWaitsForEmptyEventLoop) void drainEventLoop(baseline).then(() => settle(err, result));
      else settle(err, result);
    };
    const context = makeContext(requestId, deadlineMs, viaCallback);
    const callback = viaCallback;
    let returned;
    try {
      returned = handler(event, context, callback);
    } catch (e) {
      settle(e, undefined);
      return;
    }
    if (returned !== null && typeof returned === 'object' && typeof returned.then === 'function') {
      returned.then(
        (r) => settle(undefined, r),
        (e) => settle(e ?? new Error('Promise rejected with a falsy value'), undefined),
      );
    } else if (handler.length < 3 && returned !== undefined) {
      // A synchronous handler that returns a value without a callback parameter.
      settle(undefined, returned);
    } else if (handler.length < 3) {
      settle(undefined, undefined);
    }
    // Otherwise the handler answers through the callback or the context methods.
  });
}

function maxRssKB() {
  return process.resourceUsage().maxRSS;
}

function send(message) {
  if (process.connected) process.send(message);
}

let handler;
let initLogs = '';

async function invoke(message) {
  currentRequestId = message.requestId;
  let event;
  try {
    event = JSON.parse(message.payload);
  } catch {
    event = message.payload;
  }
  const outcome = await runHandler(handler, event, message.requestId, message.deadlineMs);
  let reply;
  if (outcome.ok) {
    let text;
    try {
      text = JSON.stringify(outcome.result);
      if (text === undefined) text = 'null';
    } catch (e) {
      reply = {
        ok: false,
        body: {
          errorType: 'Runtime.MarshalError',
          errorMessage: `Unable to stringify response body: ${e.message}`,
          trace: [],
        },
      };
    }
    if (reply === undefined) {
      reply =
        Buffer.byteLength(text, 'utf8') > MAX_RESPONSE_BYTES
          ? {
              ok: false,
              body: {
                errorType: 'Function.ResponseSizeTooLarge',
                errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
              },
            }
          : { ok: true, payload: text };
    }
  } else {
    reply = { ok: false, body: errorBody(outcome.error) };
    // Lambda's Node runtime logs the failure with the error body.
    appendLog(
      `${new Date().toISOString()}\t${message.requestId}\tERROR\tInvoke Error \t${JSON.stringify(reply.body)}\n`,
    );
  }
  const logs = initLogs + takeLogs();
  initLogs = '';
  currentRequestId = undefined;
  send({ type: 'result', requestId: message.requestId, ...reply, logs, maxRssKB: maxRssKB() });
}

// Errors that escape the handler (a timer callback throwing) end the process, as on Lambda, where
// the runtime reports them and exits; the parent then reports Runtime.ExitError.
process.on('uncaughtException', (e) => {
  appendLog(
    `${new Date().toISOString()}\t${currentRequestId ?? 'undefined'}\tERROR\tUncaught Exception \t${JSON.stringify(errorBody(e))}\n`,
  );
  send({ type: 'crash', logs: initLogs + takeLogs() });
  process.exit(129);
});
process.on('unhandledRejection', (e) => {
  appendLog(
    `${new Date().toISOString()}\t${currentRequestId ?? 'undefined'}\tERROR\tUnhandled Promise Rejection \t${JSON.stringify(errorBody(e))}\n`,
  );
  send({ type: 'crash', logs: initLogs + takeLogs() });
  process.exit(128);
});
// ---- the server's end ------------------------------------------------------------------------------
// This process leads its own process group (the server spawns it detached): ending the group ends
// whatever the handler started too. A group id equal to our pid exists only if we lead it.
function killOwnGroup() {
  try {
    process.kill(-process.pid, 'SIGKILL');
  } catch {
    process.kill(process.pid, 'SIGKILL');
  }
}
// The server closes the channel when it stops; when it is killed (kill -9) the channel closes too,
// but a handler that blocks the event loop would never see it: a thread watches for the parent to
// change (the orphan is adopted by init or a subreaper) and ends the group from there.
process.on('disconnect', killOwnGroup);
// The parent is read here, not in the thread: the thread may start only after the server is gone.
const parentWatch = new Thread(
  `const { workerData: parent } = require('node:worker_threads');
  const check = () => {
    if (process.ppid === parent) return;
    try { process.kill(-process.pid, 'SIGKILL'); } catch { process.kill(process.pid, 'SIGKILL'); }
  };
  check();
  setInterval(check, 200);`,
  { eval: true, workerData: process.ppid },
);
parentWatch.unref();

try {
  handler = await loadHandler();
  initLogs = takeLogs();
  process.on('message', (message) => {
    if (message !== null && typeof message === 'object' && message.type === 'invoke') void invoke(message);
  });
  send({ type: 'ready' });
} catch (e) {
  const body = e !== null && typeof e === 'object' && 'lambda' in e ? e.lambda : errorBody(e);
  send({ type: 'init-error', body, logs: takeLogs() });
  // Keep the channel until the parent has read the message; it kills this process.
}
