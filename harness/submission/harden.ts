/**
 * Runs first in the sandboxed child, before the submission's code loads. Node 20's permission
 * model (`--experimental-permission`) blocks file reads outside the allowed folders, file writes,
 * child processes, worker threads, native addons and `process.binding`, but not the network: this
 * closes that gap as far as a JavaScript-level guard can.
 *
 * - The exports of every networking builtin (`net`, `tls`, `dgram`, `dns`, `http`, `https`,
 *   `http2`, `inspector`) are replaced by functions that throw, and `syncBuiltinESMExports`
 *   propagates that to `import` (static, dynamic and `process.getBuiltinModule`).
 * - The socket prototypes' `connect`/`listen`/`bind`/`send` throw too, so a socket class reached
 *   indirectly (e.g. through a stream's constructor) cannot open a connection.
 * - Global `fetch`, `WebSocket`, `EventSource` and friends are removed.
 * - `process.stdin/stdout/stderr` (sockets when they are pipes) are replaced by a writer to fd 2,
 *   and `console` logs to fd 2: fd 0/1 carry the protocol and no socket object is ever created.
 */
import { writeSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { format } from 'node:util';

const require = createRequire(import.meta.url);

/** The builtins whose every export is poisoned. */
export const NETWORK_MODULES = ['net', 'tls', 'dgram', 'dns', 'dns/promises', 'http', 'https', 'http2', 'inspector'] as const;

/** Error thrown by every poisoned entry point; the child reports it as "used the network: ...". */
export class NetworkBlockedError extends Error {
  readonly code = 'ERR_NETWORK_BLOCKED';
  constructor(what: string) {
    super(`used the network: ${what} is not available in the sandbox`);
    this.name = 'NetworkBlockedError';
  }
}

function blocked(what: string): () => never {
  return () => {
    throw new NetworkBlockedError(what);
  };
}

function poisonPrototype(proto: object, methods: readonly string[], owner: string): void {
  for (const m of methods) Object.defineProperty(proto, m, { value: blocked(`${owner}.${m}()`), writable: false, configurable: false });
}

/** Installs every guard; idempotent enough to call once per process. */
export function harden(): void {
  const net = require('node:net') as typeof import('node:net');
  const dgram = require('node:dgram') as typeof import('node:dgram');
  poisonPrototype(net.Socket.prototype, ['connect'], 'net.Socket');
  poisonPrototype(net.Server.prototype, ['listen'], 'net.Server');
  poisonPrototype(dgram.Socket.prototype, ['bind', 'send', 'connect'], 'dgram.Socket');
  // Load them all before poisoning any: builtins extend each other's exports (tls extends net.Socket).
  const mods = NETWORK_MODULES.map((name) => [name, require(`node:${name}`) as Record<string, unknown>] as const);
  for (const [name, mod] of mods) {
    for (const key of Object.keys(mod)) {
      const what = `${name}.${key}`;
      // Some exports are getters (e.g. net.BlockList): redefine rather than assign.
      const desc = Object.getOwnPropertyDescriptor(mod, key);
      // Frozen data (tls.rootCertificates) opens no connection: leave it.
      if (desc?.configurable === false) continue;
      const isFunction = desc !== undefined && 'value' in desc && typeof desc.value === 'function';
      Object.defineProperty(mod, key, isFunction ? { value: blocked(what), configurable: true, enumerable: true, writable: true } : { get: blocked(what), configurable: true, enumerable: true });
    }
  }
  syncBuiltinESMExports();
  for (const g of ['fetch', 'Request', 'Response', 'Headers', 'FormData', 'WebSocket', 'EventSource', 'XMLHttpRequest']) {
    Reflect.deleteProperty(globalThis, g);
  }
  const toStderr = (s: unknown): boolean => {
    writeSync(2, typeof s === 'string' ? s : String(s));
    return true;
  };
  const stream = { write: toStderr, fd: 2, isTTY: false, on: () => stream, once: () => stream, end: () => undefined };
  for (const s of ['stdin', 'stdout', 'stderr']) Object.defineProperty(process, s, { value: stream, configurable: false, writable: false });
  const log = (...args: unknown[]): void => {
    toStderr(`${format(...args)}\n`);
  };
  for (const m of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) console[m] = log;
}
