/**
 * A gremlin `DriverRemoteConnection` to Neptune's WebSocket endpoint, SigV4-signed when IAM
 * database authentication is on. The signature is made again right before every (re)connect:
 * a signature is valid for minutes and instance-role credentials rotate, so headers signed once
 * at construction would break the first reconnect after they expire.
 *
 * The socket is always the `ws` package's, on every Node.js version. gremlin 3.7.3's
 * `Connection.open()` takes `globalThis.WebSocket` when there is one (Node.js 22, the Neptune
 * Workbench's runtime, has it built in) and then passes no options at all: the signed headers,
 * `ca`, `rejectUnauthorized` and `agent` reach only its `ws` fallback, so on Node.js 22 the upgrade
 * goes out unsigned and Neptune refuses it. (Upstream: apache/tinkerpop pull request 2968, "Use
 * `ws` WebSocket when options are provided".) The driver's socket handlers are private, so the
 * kit cannot open the socket itself; instead `globalThis.WebSocket` is, for the synchronous
 * stretch of `open()` in which the driver constructs its socket, a constructor that builds a `ws`
 * socket with the options. No other code can run in that stretch: the process's `WebSocket`
 * (used by tslab, undici's fetch users, the AWS SDK ...) is never seen changed.
 */
import gremlin from 'gremlin';
import WebSocket from 'ws';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { InvalidInputError, KitError, kitMessage } from '../errors.js';
import { signNeptuneRequest } from './neptune-sigv4.js';
// A static import (not createRequire), so that bundlers such as esbuild (the Lambda bundle) follow it.
// @ts-expect-error the driver ships no type declarations for its utils module
import gremlinUtils from 'gremlin/lib/utils.js';

export interface NeptuneConnectionOptions {
  /** `wss://<host>:<port>/gremlin` (tests use `ws://127.0.0.1:<port>/gremlin`). */
  url: string;
  /** Host and port that are signed (the Host header Neptune sees). */
  host: string;
  port: number;
  region: string;
  iamAuth: boolean;
  /** Needed when `iamAuth`: fixed credentials or a provider such as `defaultProvider()`. */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Injectable clock for the signature, for tests. */
  now?: () => Date;
  /** Extra driver options (mimeType, rejectUnauthorized, headers ...). */
  driverOptions?: Record<string, unknown>;
}

/** The driver options its `ws` fallback hands to the socket (gremlin 3.7.3 `Connection.open()`). */
interface DriverSocketOptions {
  headers?: Record<string, string>;
  ca?: WebSocket.ClientOptions['ca'];
  cert?: WebSocket.ClientOptions['cert'];
  pfx?: WebSocket.ClientOptions['pfx'];
  rejectUnauthorized?: boolean;
  agent?: WebSocket.ClientOptions['agent'];
  enableCompression?: boolean;
}

/** The driver's internal connection, as far as opening it needs (gremlin 3.7.x `Connection`). */
interface DriverConnectionInternals {
  url: string;
  isOpen: boolean;
  _openPromise: unknown;
  _enableUserAgentOnConnect: boolean;
  _ws?: unknown;
  options: DriverSocketOptions;
  open(): Promise<void>;
}

/** The driver's own User-Agent (`<package> Gremlin-Javascript.3.7.3 v22.x linux.<release> x64`). */
const driverUtils = gremlinUtils as {
  getUserAgent(): Promise<string | undefined>;
};

/** Raised when the driver did not build its socket where the kit expects (another gremlin version). */
export class DriverSocketError extends KitError {
  constructor(message: string) {
    super(message);
    this.name = 'DriverSocketError';
  }
}

/** Creates (does not open) a remote connection; the driver opens it on first use. */
export function createNeptuneRemoteConnection(options: NeptuneConnectionOptions): gremlin.driver.DriverRemoteConnection {
  const credentials = options.credentials;
  if (options.iamAuth && !credentials) {
    throw new InvalidInputError(kitMessage('neptune', 'createNeptuneRemoteConnection: iamAuth needs credentials'));
  }
  const remote = new gremlin.driver.DriverRemoteConnection(options.url, { ...options.driverOptions });
  const connection = (remote as unknown as { _client: { _connection: DriverConnectionInternals } })._client._connection;
  const extraHeaders = { ...connection.options.headers };
  // The kit adds the driver's User-Agent itself: left to the driver, open() awaits it before
  // building the socket, and the socket would no longer be built in one synchronous stretch.
  const sendUserAgent = connection._enableUserAgentOnConnect;
  connection._enableUserAgentOnConnect = false;
  const open = connection.open.bind(connection);
  // Connection.submit() and stream() call open() before every request, so after a drop the
  // reconnect comes through here too and is signed afresh.
  connection.open = async () => {
    if (connection.isOpen || connection._openPromise) return open();
    const headers: Record<string, string> = { ...extraHeaders };
    const userAgent = sendUserAgent ? await driverUtils.getUserAgent() : undefined;
    if (userAgent !== undefined) headers['User-Agent'] = userAgent;
    if (options.iamAuth) {
      Object.assign(headers, await signNeptuneRequest({ host: options.host, port: options.port, region: options.region, credentials: credentials!, now: options.now }));
    }
    // Another request may have opened the connection while this one was signing.
    if (connection.isOpen || connection._openPromise) return open();
    return openOnWsSocket(connection, open, { ...connection.options, headers });
  };
  return remote;
}

/** Runs the driver's open() with `globalThis.WebSocket` building a `ws` socket with `socketOptions`. */
function openOnWsSocket(connection: DriverConnectionInternals, open: () => Promise<void>, socketOptions: DriverSocketOptions): Promise<void> {
  const wsOptions: WebSocket.ClientOptions = {
    headers: socketOptions.headers,
    ca: socketOptions.ca,
    cert: socketOptions.cert,
    pfx: socketOptions.pfx,
    rejectUnauthorized: socketOptions.rejectUnauthorized,
    agent: socketOptions.agent,
    perMessageDeflate: socketOptions.enableCompression,
  };
  let built: WebSocket | undefined;
  // A plain function: `new` on it returns the object it returns, the `ws` socket.
  function WebSocketWithOptions(url: string | URL) {
    built = new WebSocket(url, wsOptions);
    return built;
  }
  // Node.js 22 defines WebSocket as a configurable accessor on globalThis; Node.js 20 not at all.
  const saved = Object.getOwnPropertyDescriptor(globalThis, 'WebSocket');
  Object.defineProperty(globalThis, 'WebSocket', { value: WebSocketWithOptions, configurable: true, writable: true, enumerable: false });
  let opening: Promise<void>;
  try {
    opening = open();
  } finally {
    if (saved) Object.defineProperty(globalThis, 'WebSocket', saved);
    else delete (globalThis as { WebSocket?: unknown }).WebSocket;
  }
  if (!built || connection._ws !== built) {
    // Fail loudly: the driver will build its socket later without the options (and Neptune
    // refuse the unsigned upgrade); that late attempt's outcome is of no use to anyone.
    opening.catch(() => undefined);
    throw new DriverSocketError(
      kitMessage('neptune', `the gremlin driver did not build its WebSocket synchronously in open() (the kit supports gremlin 3.7.3); ${connection.url} was not opened with the signed headers`),
    );
  }
  return opening;
}
