import { isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';

/** Why a request was refused before it reached an API, and how to allow it. */
export interface EdgeRefusal {
  readonly message: string;
}

/**
 * The names a request's Host may carry: loopback names, any IP literal, the names the user allowed
 * (`--allowed-host`), and their `sync-` forms (the SDKs prefix StartSyncExecution's host).
 * An IP literal cannot be the target of DNS rebinding: a page whose origin is an IP address is
 * this server's own origin, or another origin that the Origin check refuses.
 */
export class HostRules {
  private readonly names: ReadonlySet<string>;

  constructor(allowed: readonly string[] = []) {
    this.names = new Set(['localhost', ...allowed.map((n) => n.toLowerCase())]);
  }

  isAllowedHost(hostname: string): boolean {
    const name = hostname.toLowerCase().replace(/\.$/, '');
    const bare = name.startsWith('sync-') ? name.slice('sync-'.length) : name;
    return this.names.has(name) || this.names.has(bare) || isIP(unbracket(bare)) !== 0;
  }
}

/**
 * DNS rebinding (a foreign name in Host) and cross-site requests (an Origin, or a `Sec-Fetch-Site`,
 * that is not this server's own). `crossSiteAllowed` is for top-level navigations to the console's
 * pages, which carry no data: a link from elsewhere may open them.
 */
export function checkHostAndOrigin(req: IncomingMessage, rules: HostRules, crossSiteAllowed: boolean): EdgeRefusal | undefined {
  const host = req.headers.host;
  if (host !== undefined) {
    const hostname = hostnameOf(host);
    if (hostname === undefined || !rules.isAllowedHost(hostname)) {
      return {
        message:
          `Stepwright does not answer requests for the host name '${host.slice(0, 100)}' (a web page can point its own name at this server: DNS rebinding). ` +
          `Use localhost or an IP address, or start the server with --allowed-host ${hostname ?? 'NAME'} to accept this name.`,
      };
    }
  }
  if (crossSiteAllowed) return undefined;
  const origin = req.headers.origin;
  if (origin !== undefined && !isOwnOrigin(origin, host)) {
    return {
      message:
        `Stepwright refuses requests from the web origin '${origin.slice(0, 100)}': only pages it serves itself may call it from a browser. ` +
        'Call the API from a server or the AWS CLI/SDKs (they send no Origin), or use the console this server serves.',
    };
  }
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== 'same-origin' && site !== 'none') {
    return { message: `Stepwright refuses ${site} browser requests: only pages it serves itself may call it from a browser.` };
  }
  return undefined;
}

function isOwnOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // "null" (sandboxed frames, file: pages) and anything malformed
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.host.toLowerCase() === normalizedHost(host);
}

/** The name in a Host header, without its port; undefined for anything that is not a plain host[:port]. */
function hostnameOf(host: string): string | undefined {
  // Not URL: WHATWG parsing refuses names that end in a number, such as the SDKs' sync-127.0.0.1.
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+)(?::\d{1,5})?$/.exec(host);
  return m === null ? undefined : m[1];
}

function normalizedHost(host: string): string {
  try {
    return new URL(`http://${host}`).host.toLowerCase();
  } catch {
    return host.toLowerCase();
  }
}

const unbracket = (name: string): string => (name.startsWith('[') && name.endsWith(']') ? name.slice(1, -1) : name);
