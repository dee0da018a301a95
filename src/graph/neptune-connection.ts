/**
 * A gremlin `DriverRemoteConnection` to Neptune's WebSocket endpoint, SigV4-signed when IAM
 * database authentication is on. The signature is made again right before every (re)connect:
 * a signature is valid for minutes and instance-role credentials rotate, so headers signed once
 * at construction would break the first reconnect after they expire.
 */
import gremlin from 'gremlin';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { signNeptuneRequest } from './neptune-sigv4.js';

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
  /** Extra driver options (mimeType, rejectUnauthorized ...). */
  driverOptions?: Record<string, unknown>;
}

/** The driver's internal connection, as far as re-signing needs it (gremlin 3.7.x `Connection`). */
interface DriverConnectionInternals {
  isOpen: boolean;
  _openPromise: unknown;
  options: { headers?: Record<string, string> };
  open(): Promise<void>;
}

/** Creates (does not open) a remote connection; the driver opens it on first use. */
export function createNeptuneRemoteConnection(options: NeptuneConnectionOptions): gremlin.driver.DriverRemoteConnection {
  const remote = new gremlin.driver.DriverRemoteConnection(options.url, { ...options.driverOptions, headers: {} });
  if (!options.iamAuth) return remote;
  const credentials = options.credentials;
  if (!credentials) throw new TypeError('createNeptuneRemoteConnection: iamAuth needs credentials');
  const connection = (remote as unknown as { _client: { _connection: DriverConnectionInternals } })._client._connection;
  const open = connection.open.bind(connection);
  // Connection.open() reads options.headers synchronously when it starts a new WebSocket, and
  // Connection.submit() calls open() after a drop: refresh the headers just before that.
  connection.open = async () => {
    if (!connection.isOpen && !connection._openPromise) {
      connection.options.headers = await signNeptuneRequest({
        host: options.host,
        port: options.port,
        region: options.region,
        credentials,
        now: options.now,
      });
    }
    return open();
  };
  return remote;
}
