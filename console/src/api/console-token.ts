/**
 * The console's token for a server started with `--auth`. The server prints the console's URL
 * with the token in the fragment (`/#token=…`), which browsers never send over the network nor in a
 * Referer. The page moves it to localStorage, which belongs to this exact origin (scheme, host and
 * port; a cookie would also go to every other port of the host), and sends it only to this origin,
 * in a header that a page on another origin could not add without a CORS preflight.
 */
const KEY = 'stepwright.consoleToken';
export const CONSOLE_TOKEN_HEADER = 'x-stepwright-console-token';

/** Takes a token from the address bar (once, before the router reads the hash) and forgets the fragment. */
export function adoptTokenFromUrl(): void {
  const m = /^#token=([A-Za-z0-9_~.-]+)$/.exec(window.location.hash);
  if (m === null) return;
  localStorage.setItem(KEY, m[1]);
  history.replaceState(null, '', `${window.location.pathname}${window.location.search}#/`);
}

/** The headers that authenticate the console's own requests (none when the server needs no token). */
export function tokenHeaders(): Record<string, string> {
  const token = localStorage.getItem(KEY);
  return token === null ? {} : { [CONSOLE_TOKEN_HEADER]: token };
}
