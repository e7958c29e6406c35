/** Who may call the server: browser rules (Host, Origin), SigV4 keys and the console token for `--auth`. */
export { loadAccessKeys, type AccessKeys } from './access-keys.js';
export { CONSOLE_TOKEN_HEADER, createConsoleToken, hasConsoleToken } from './console-token.js';
export { checkHostAndOrigin, HostRules, type EdgeRefusal } from './host-origin.js';
export { RequestAuthenticator } from './request-authenticator.js';
export { MAX_CLOCK_SKEW_MS, verifySignatureV4, type AuthErrorCode, type AuthRefusal, type SigningService } from './sigv4-verify.js';
