// Processes of a Stepwright cluster for the cluster tests: `stepwright server --serve-only` and
// `stepwright worker`, each over the test's PostgreSQL database, started and stopped by the test.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

export interface ClusterProcess {
  readonly child: ChildProcess;
  /** What the process printed so far (stdout and stderr), for failure messages. */
  output(): string;
}

/** Starts `stepwright ARGS…` and resolves once its stdout matches `ready` (with the match). */
export function startProcess(args: readonly string[], ready: RegExp): Promise<{ process: ClusterProcess; match: RegExpExecArray }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/e2e/stepwright-bin.ts', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const proc: ClusterProcess = { child, output: () => out };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`stepwright ${args[0]} did not start: ${out}`)), 120_000);
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = ready.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ process: proc, match: m });
      }
    });
    child.once('exit', (code) => reject(new Error(`stepwright ${args[0]} exited with ${code}: ${out}`)));
  });
}

export function startServer(database: string, project: string, dataDir: string): Promise<{ process: ClusterProcess; url: string }> {
  return startProcess(
    ['server', '--serve-only', '--port', '0', '--data-dir', dataDir, '--database', database, '--project', project, '--log-level', 'warn'],
    /listening on (http:\/\/[^\s]+)/,
  ).then(({ process, match }) => ({ process, url: match[1] }));
}

export function startWorker(database: string, project: string, id: string, leaseMs: number): Promise<ClusterProcess> {
  return startProcess(['worker', '--database', database, '--project', project, '--worker-id', id, '--lease-ms', String(leaseMs)], /is working/).then((r) => r.process);
}

/** SIGKILL: the process gets no chance to let go of anything. */
export async function kill9(p: ClusterProcess): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  const exited = new Promise((r) => p.child.once('exit', r));
  p.child.kill('SIGKILL');
  await exited;
}

/** SIGTERM and wait: a clean stop. */
export async function stop(p: ClusterProcess): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  const exited = new Promise((r) => p.child.once('exit', r));
  p.child.kill('SIGTERM');
  await exited;
}
