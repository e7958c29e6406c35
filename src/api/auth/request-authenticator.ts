import type { IncomingMessage } from 'node:http';
import type { AccessKeys } from './access-keys.js';
import { hasConsoleToken } from './console-token.js';
import { verifySignatureV4, type AuthRefusal, type SigningService } from './sigv4-verify.js';

/**
 * `--auth`: every API request carries a SigV4 signature of a configured access key, or the
 * console's token (the console has no AWS keys). The console's own JSON endpoints take the token
 * only.
 */
export class RequestAuthenticator {
  constructor(
    readonly keys: AccessKeys,
    readonly consoleToken: string,
    readonly region: string,
    private readonly nowMs: () => number = Date.now,
  ) {}

  async authenticate(req: IncomingMessage, body: Uint8Array, service: SigningService): Promise<AuthRefusal | undefined> {
    if (hasConsoleToken(req, this.consoleToken)) return undefined;
    return verifySignatureV4({ req, body, service, region: this.region, keys: this.keys, nowMs: this.nowMs() });
  }

  isConsole(req: IncomingMessage): boolean {
    return hasConsoleToken(req, this.consoleToken);
  }
}
