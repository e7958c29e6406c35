/**
 * One worker process running a function's handler (Lambda's "execution environment"): a Node
 * process running runtimes/node/bootstrap.mjs (protocol over the IPC channel) or a python3 process
 * running runtimes/python/bootstrap.py (length-prefixed JSON over its stdin/stdout). One invocation
 * at a time. Whatever the handler does, the worker answers every invocation with an outcome:
 * a result, a timeout (the process is killed), or the process's exit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LambdaErrorBody } from './errors.js';
import { LogBuffer } from './logs.js';

export type WorkerFamily = 'node' | 'python';

export interface WorkerSpec {
  readonly family: WorkerFamily;
  readonly codeDir: string;
  readonly env: Readonly<Record<string, string>>;
  readonly memoryMB: number;
  /** Run the worker as this user (the server must be root); default: the server's own. */
  readonly user?: { readonly uid: number; readonly gid: number };
  /** The runtime bootstrap to run (default: the one beside this module, RUNTIME_BOOTSTRAPS). */
  readonly bootstrap?: string;
  /** The python executable (default `python3` looked up on the worker's PATH). */
  readonly python?: string;
  /** The node executable (default the server's own). */
  readonly node?: string;
}

export type InitOutcome =
  | { readonly ok: true; readonly initMs: number }
  | { readonly ok: false; readonly body: LambdaErrorBody; readonly logs: string; readonly initMs: number }
  | { readonly ok: false; readonly exit: ExitInfo; readonly logs: string; readonly initMs: number };

export interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly outOfMemory: boolean;
}

export type WorkerOutcome =
  | {
      readonly kind: 'result';
      readonly ok: true;
      readonly payload: string;
      readonly logs: string;
      readonly maxRssKB: number;
    }
  | {
      readonly kind: 'result';
      readonly ok: false;
      readonly body: LambdaErrorBody;
      readonly logs: string;
      readonly maxRssKB: number;
    }
  | { readonly kind: 'timeout'; readonly logs: string }
  | { readonly kind: 'exit'; readonly exit: ExitInfo; readonly logs: string };

interface ResultMessage {
  readonly type: 'result';
  readonly requestId: string;
  readonly ok: boolean;
  readonly payload?: string;
  readonly body?: LambdaErrorBody;
  readonly logs?: string;
  readonly maxRssKB?: number;
}

type ChildMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'init-error'; readonly body: LambdaErrorBody; readonly logs?: string }
  | { readonly type: 'crash' | 'oom'; readonly logs?: string }
  | ResultMessage;

/** Finds a bootstrap beside this module (src) or, when running from dist/, in the source tree. */
function bootstrapPath(relative: string): string {
  const candidates = [
    new URL(`./runtimes/${relative}`, import.meta.url),
    new URL(`../../src/functions/runtimes/${relative}`, import.meta.url),
  ];
  for (const c of candidates) {
    const p = fileURLToPath(c);
    if (fs.existsSync(p)) return p;
  }
  return fileURLToPath(candidates[0]);
}

const NODE_BOOTSTRAP = bootstrapPath('node/bootstrap.mjs');
const PYTHON_BOOTSTRAP = bootstrapPath('python/bootstrap.py');

/** The bootstrap of each runtime family, and the folder that holds them (relative paths below it). */
export const RUNTIME_BOOTSTRAPS = {
  dir: path.dirname(path.dirname(NODE_BOOTSTRAP)),
  node: 'node/bootstrap.mjs',
  python: 'python/bootstrap.py',
} as const;

/** How long a handler's module may take to load before the worker is given up. */
const INIT_LIMIT_MS = 10_000;
/** How often the memory watchdog samples a busy Node worker's resident set. */
const MEMORY_SAMPLE_MS = 50;

/**
 * SIGKILL to a worker's process group. Workers are spawned detached, so each leads a group of its
 * own, and whatever its handler started (`sleep 1000 &`, child_process.spawn) is in it and dies with
 * it. A process that leaves the group on purpose (setsid, setpgid) escapes; docs/reliability.md.
 */
function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // No group (left already, or a platform without groups): at least the worker itself.
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Every live worker process, killed with its group when this process exits so that none is left orphaned. */
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

function track(child: ChildProcess): void {
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A SIGKILL of this process runs no hook: then each worker's bootstrap sees its parent gone and
  // kills its own group (runtimes/node/bootstrap.mjs, runtimes/python/bootstrap.py).
  process.once('exit', () => {
    for (const c of liveChildren) killGroup(c);
  });
}

function isChildMessage(m: unknown): m is ChildMessage {
  return typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string';
}

export class Worker {
  readonly ready: Promise<InitOutcome>;
  /** Set once the process has exited (or is being killed): the pool drops the worker. */
  dead = false;
  busy = false;
  lastUsed = Date.now();
  /** Whether the next invocation is the first (the REPORT line then shows an Init Duration). */
  fresh = true;
  initMs = 0;

  private readonly child: ChildProcess;
  private readonly stray = new LogBuffer();
  private pending:
    | {
        requestId: string;
        resolve: (o: WorkerOutcome) => void;
        timer: NodeJS.Timeout;
        watchdog?: NodeJS.Timeout;
        outOfMemory: boolean;
      }
    | undefined;
  private resolveInit: ((o: InitOutcome) => void) | undefined;
  private readonly startedAt = performance.now();
  private readonly exited: Promise<ExitInfo>;
  private oomReported = false;
  /** Set once the group got its SIGKILL: after the leader is reaped its pid may be reused. */
  private groupKilled = false;
  // Python framing state.
  private inBuffer: Buffer = Buffer.alloc(0);
  private header: (Record<string, unknown> & { length: number }) | undefined;

  constructor(private readonly spec: WorkerSpec) {
    const env = { ...spec.env };
    // libuv drops the supplementary groups too when it changes the user.
    const user = spec.user === undefined ? {} : { uid: spec.user.uid, gid: spec.user.gid };
    if (spec.family === 'node') {
      this.child = spawn(
        spec.node ?? process.execPath,
        [`--max-old-space-size=${spec.memoryMB}`, '--enable-source-maps', spec.bootstrap ?? NODE_BOOTSTRAP],
        {
          cwd: spec.codeDir,
          env,
          stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
          serialization: 'json',
          detached: true,
          ...user,
        },
      );
      this.child.stdout?.on('data', (d: Buffer) => this.stray.append(d.toString('utf8')));
      this.child.on('message', (m: unknown) => {
        if (isChildMessage(m)) this.onMessage(m, '');
      });
    } else {
      // -B: no __pycache__ written into the function's code folder.
      this.child = spawn(spec.python ?? 'python3', ['-u', '-B', spec.bootstrap ?? PYTHON_BOOTSTRAP], {
        cwd: spec.codeDir,
        env,
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: true,
        ...user,
      });
      this.child.stdout?.on('data', (d: Buffer) => this.onPythonData(d));
      this.child.stdin?.on('error', () => undefined);
    }
    track(this.child);
    this.child.stderr?.on('data', (d: Buffer) => {
      const text = d.toString('utf8');
      // V8 prints this before aborting when the heap is over --max-old-space-size.
      if (text.includes('JavaScript heap out of memory') || text.includes('Reached heap limit'))
        this.oomReported = true;
      this.stray.append(text);
    });
    this.ready = new Promise<InitOutcome>((resolve) => {
      this.resolveInit = resolve;
    });
    const initTimer = setTimeout(() => {
      if (this.resolveInit === undefined) return;
      this.finishInit({
        ok: false,
        body: {
          errorType: 'Runtime.InitError',
          errorMessage: `Init timed out after ${(INIT_LIMIT_MS / 1000).toFixed(2)} seconds`,
        },
        logs: this.stray.take(),
        initMs: INIT_LIMIT_MS,
      });
      this.kill();
    }, INIT_LIMIT_MS);
    initTimer.unref();
    this.exited = new Promise<ExitInfo>((resolve) => {
      this.child.on('error', (e) => {
        this.stray.append(`${e.message}\n`);
        this.dead = true;
        resolve({ code: 127, signal: null, outOfMemory: false });
      });
      this.child.on('close', (code, signal) => resolve({ code, signal, outOfMemory: false }));
    });
    // A worker that ended by itself (crash, exit, out of memory) may leave the handler's processes.
    this.child.once('exit', () => {
      if (!this.groupKilled) killGroup(this.child);
      this.groupKilled = true;
    });
    void this.exited.then((info) => {
      clearTimeout(initTimer);
      this.dead = true;
      const outOfMemory = this.oomReported || (this.pending?.outOfMemory ?? false);
      const exit: ExitInfo = { ...info, outOfMemory };
      if (this.resolveInit !== undefined)
        this.finishInit({ ok: false, exit, logs: this.stray.take(), initMs: performance.now() - this.startedAt });
      const p = this.pending;
      if (p !== undefined) {
        this.pending = undefined;
        clearTimeout(p.timer);
        if (p.watchdog !== undefined) clearInterval(p.watchdog);
        p.resolve({ kind: 'exit', exit, logs: this.stray.take() });
      }
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  private finishInit(outcome: InitOutcome): void {
    const resolve = this.resolveInit;
    this.resolveInit = undefined;
    this.initMs = outcome.initMs;
    resolve?.(outcome);
  }

  private onMessage(m: ChildMessage, payloadBytes: string): void {
    if (m.type === 'ready') {
      this.finishInit({ ok: true, initMs: performance.now() - this.startedAt });
      this.setIdle(true);
    } else if (m.type === 'init-error') {
      this.finishInit({
        ok: false,
        body: m.body,
        logs: (m.logs ?? '') + this.stray.take(),
        initMs: performance.now() - this.startedAt,
      });
      this.kill();
    } else if (m.type === 'crash' || m.type === 'oom') {
      // The process is about to exit; keep its last logs for the exit outcome.
      if (m.type === 'oom' && this.pending !== undefined) this.pending.outOfMemory = true;
      if (m.logs) this.stray.prepend(m.logs);
    } else if (m.type === 'result') {
      const p = this.pending;
      if (p === undefined || p.requestId !== m.requestId) return;
      this.pending = undefined;
      clearTimeout(p.timer);
      if (p.watchdog !== undefined) clearInterval(p.watchdog);
      this.busy = false;
      this.lastUsed = Date.now();
      this.setIdle(true);
      const logs = (m.logs ?? '') + this.stray.take();
      const maxRssKB = m.maxRssKB ?? 0;
      if (m.ok)
        p.resolve({
          kind: 'result',
          ok: true,
          payload: this.spec.family === 'node' ? (m.payload ?? 'null') : payloadBytes,
          logs,
          maxRssKB,
        });
      else
        p.resolve({
          kind: 'result',
          ok: false,
          body: m.body ?? { errorType: 'Runtime.Unknown', errorMessage: 'Unknown error' },
          logs,
          maxRssKB,
        });
    }
  }

  private onPythonData(chunk: Buffer): void {
    this.inBuffer = this.inBuffer.length === 0 ? chunk : Buffer.concat([this.inBuffer, chunk]);
    for (;;) {
      if (this.header === undefined) {
        const nl = this.inBuffer.indexOf(10);
        if (nl < 0) return;
        const line = this.inBuffer.subarray(0, nl).toString('utf8');
        this.inBuffer = this.inBuffer.subarray(nl + 1);
        try {
          this.header = JSON.parse(line) as Record<string, unknown> & { length: number };
        } catch {
          this.stray.append(`${line}\n`);
          continue;
        }
      }
      const need = this.header.length ?? 0;
      if (this.inBuffer.length < need) return;
      const data = this.inBuffer.subarray(0, need).toString('utf8');
      this.inBuffer = this.inBuffer.subarray(need);
      const header = this.header;
      this.header = undefined;
      if (isChildMessage(header)) this.onMessage(header, data);
    }
  }

  /** Idle workers do not keep the parent's event loop alive. */
  private setIdle(idle: boolean): void {
    const handles: unknown[] = [
      this.child,
      this.child.stdout,
      this.child.stderr,
      this.child.stdin,
      (this.child as { channel?: unknown }).channel,
    ];
    for (const h of handles) {
      const r = h as { ref?: () => void; unref?: () => void } | null | undefined;
      if (idle) r?.unref?.();
      else r?.ref?.();
    }
  }

  /** Runs one invocation. Call only after `ready` resolved ok and while not busy. */
  invoke(requestId: string, payloadText: string, timeoutMs: number): Promise<WorkerOutcome> {
    if (this.dead)
      return Promise.resolve({
        kind: 'exit',
        exit: { code: null, signal: 'SIGKILL', outOfMemory: false },
        logs: this.stray.take(),
      });
    this.busy = true;
    this.setIdle(false);
    const deadlineMs = Date.now() + timeoutMs;
    return new Promise<WorkerOutcome>((resolve) => {
      const timer = setTimeout(() => {
        const p = this.pending;
        if (p === undefined) return;
        this.pending = undefined;
        if (p.watchdog !== undefined) clearInterval(p.watchdog);
        this.kill();
        resolve({ kind: 'timeout', logs: this.stray.take() });
      }, timeoutMs);
      this.pending = { requestId, resolve, timer, outOfMemory: false };
      if (this.spec.family === 'node') this.pending.watchdog = this.watchMemory();
      if (this.spec.family === 'node') {
        this.child.send({ type: 'invoke', requestId, payload: payloadText, deadlineMs });
      } else {
        const data = Buffer.from(payloadText, 'utf8');
        const header = Buffer.from(`${JSON.stringify({ requestId, deadlineMs, length: data.length })}\n`, 'utf8');
        this.child.stdin?.write(data.length < 65536 ? Buffer.concat([header, data]) : header);
        if (data.length >= 65536) this.child.stdin?.write(data);
      }
    });
  }

  /**
   * V8's heap limit does not cover Buffers and other native memory; Lambda counts the whole
   * process. Sample the resident set while busy and kill the worker over its memory size.
   */
  private watchMemory(): NodeJS.Timeout | undefined {
    const pid = this.child.pid;
    if (pid === undefined || process.platform !== 'linux') return undefined;
    const limitKB = this.spec.memoryMB * 1024;
    const t = setInterval(() => {
      let rssKB: number;
      try {
        const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
        rssKB = m ? Number(m[1]) : 0;
      } catch {
        return;
      }
      // Node itself needs some 40 MB; give the heap limit the first word below a generous margin.
      if (rssKB > limitKB + 64 * 1024 && this.pending !== undefined) {
        this.pending.outOfMemory = true;
        this.kill();
      }
    }, MEMORY_SAMPLE_MS);
    t.unref();
    return t;
  }

  /** Kills the worker and every process its handler started (timeout, memory limit, shutdown). */
  kill(): void {
    this.dead = true;
    if (this.groupKilled) return;
    this.groupKilled = true;
    killGroup(this.child);
  }

  /** Kills the process and resolves when it has exited. */
  async stop(): Promise<void> {
    this.kill();
    await this.exited;
  }
}
