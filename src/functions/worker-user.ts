/**
 * The user function workers run as. A process of the server's own uid can read the server's
 * environment (/proc/<pid>/environ) and its data dir; so when the server runs as root (as in most
 * containers) workers run as an unprivileged user instead, `nobody` by default. A server that is
 * not root cannot change user: its workers then run as itself (docs/reliability.md says what that
 * leaves open).
 */
import fs from 'node:fs';
import path from 'node:path';

export interface WorkerUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

/** A `--function-user` that cannot be used: unknown, or another user while the server is not root. */
export class FunctionUserError extends Error {
  override readonly name = 'FunctionUserError';
}

/** The default user of a root server's workers, when the system has it. */
export const DEFAULT_WORKER_USER = 'nobody';

interface PasswdEntry {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

function passwdEntries(): PasswdEntry[] {
  let text: string;
  try {
    text = fs.readFileSync('/etc/passwd', 'utf8');
  } catch {
    return [];
  }
  const out: PasswdEntry[] = [];
  for (const line of text.split('\n')) {
    const [name, , uid, gid] = line.split(':');
    if (name === undefined || uid === undefined || gid === undefined) continue;
    if (!/^\d+$/.test(uid) || !/^\d+$/.test(gid)) continue;
    out.push({ name, uid: Number(uid), gid: Number(gid) });
  }
  return out;
}

/**
 * The user to run workers as, or undefined for the server's own. `requested`: a user name, a uid
 * (`65534`) or `uid:gid`; `false` keeps the server's user; undefined means `nobody` when the server
 * is root (and the system has that user), else the server's user.
 */
export function resolveWorkerUser(requested: string | false | undefined): WorkerUser | undefined {
  const ownUid = process.getuid?.();
  if (requested === false || ownUid === undefined) return undefined;
  const entries = passwdEntries();
  if (requested === undefined) {
    if (ownUid !== 0) return undefined;
    const nobody = entries.find((e) => e.name === DEFAULT_WORKER_USER);
    return nobody === undefined || nobody.uid === 0 ? undefined : nobody;
  }
  const numeric = /^(\d+)(?::(\d+))?$/.exec(requested);
  let user: WorkerUser | undefined;
  if (numeric !== null) {
    const uid = Number(numeric[1]);
    const known = entries.find((e) => e.uid === uid);
    user = { name: known?.name ?? String(uid), uid, gid: numeric[2] !== undefined ? Number(numeric[2]) : (known?.gid ?? uid) };
  } else {
    user = entries.find((e) => e.name === requested);
    if (user === undefined) throw new FunctionUserError(`Unknown function user '${requested}' (not in /etc/passwd)`);
  }
  if (user.uid === ownUid) return undefined;
  if (ownUid !== 0)
    throw new FunctionUserError(
      `Cannot run functions as '${user.name}': only a server running as root can change the user of its workers`,
    );
  return user;
}

/** rwx bits as in a mode: 4 read, 2 write, 1 search/execute. */
function allows(st: fs.Stats, user: WorkerUser, bits: number): boolean {
  if (user.uid === 0) return true;
  const shift = st.uid === user.uid ? 6 : st.gid === user.gid ? 3 : 0;
  return ((st.mode >> shift) & bits) === bits;
}

function ancestorsSearchable(file: string, user: WorkerUser): boolean {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    try {
      if (!allows(fs.statSync(dir), user, 1)) return false;
    } catch {
      return false;
    }
    if (path.dirname(dir) === dir) return true;
  }
}

/**
 * Whether `user` can reach `target` with `bits` (by the mode bits of it and of every folder above
 * it, along both the path as written and its resolved form; ACLs are not looked at).
 */
export function userCan(user: WorkerUser, target: string, bits: number): boolean {
  const abs = path.resolve(target);
  let real: string;
  let st: fs.Stats;
  try {
    real = fs.realpathSync(abs);
    st = fs.statSync(real);
  } catch {
    return false;
  }
  return allows(st, user, bits) && ancestorsSearchable(abs, user) && ancestorsSearchable(real, user);
}

/** The folders of `PATH` the user can search, so that its lookups do not stop at a private one. */
export function searchablePath(pathVar: string, user: WorkerUser): string {
  return pathVar
    .split(path.delimiter)
    .filter((d) => d !== '' && userCan(user, d, 1))
    .join(path.delimiter);
}
