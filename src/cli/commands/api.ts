import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../config/index.js';
import type { KitConfig } from '../../config/kit-config.js';
import { datasetFileName, GROUND_TRUTH_NAME } from '../../datagen/dataset-schema.js';
import { readGroundTruth } from '../../datagen/ground-truth.js';
import { InvalidInputError, kitMessage } from '../../errors.js';
import { connectGraph, type GraphConnection } from '../../graph/connect-graph.js';
import { requireNeptuneEndpoint } from '../../graph/neptune-endpoint.js';
import type { ApiLog } from '../../identity-api/api-types.js';
import { startIdentityApiServer } from '../../identity-api/local-server.js';
import { DEFAULT_RULE_PRECISION, measureRulePrecision, readRulePrecisionFile, RULE_PRECISION_FILE, writeRulePrecisionFile, type RulePrecision } from '../../identity-api/rule-precision.js';
import type { GraphSource } from '../../queries/graph-source.js';
import type { CliCommand, CliIo } from '../cli-command.js';
import { waitForStopSignal } from '../wait-for-stop-signal.js';

export interface ApiServeOptions {
  host: string;
  port: number;
  /** `all`: a JSON line per request on stderr; `errors`: failures only. */
  log: 'all' | 'errors';
}

/**
 * The rules' precision for /map-user: the data folder's file; else measured now against the
 * generator's ground truth when it is there (and written to the file for next time); else the
 * documented defaults.
 */
export async function resolveRulePrecision(config: Pick<KitConfig, 'dataDir' | 'generatedDir'>, g: GraphSource, io: CliIo): Promise<RulePrecision> {
  const stored = readRulePrecisionFile(config.dataDir);
  if (stored) {
    io.stderr(`idgraph api: rule precision from ${join(config.dataDir, RULE_PRECISION_FILE)} (${stored.source})\n`);
    return stored;
  }
  const truthFiles = [false, true].map((incremental) => join(config.generatedDir, datasetFileName(GROUND_TRUTH_NAME, incremental))).filter((path) => existsSync(path));
  if (truthFiles.length === 0) {
    io.stderr(`idgraph api: no ground truth in ${config.generatedDir}: default rule precision\n`);
    return DEFAULT_RULE_PRECISION;
  }
  const measured = await measureRulePrecision(g, await readGroundTruth(truthFiles));
  const path = writeRulePrecisionFile(config.dataDir, measured);
  io.stderr(`idgraph api: rule precision measured on ${measured.sampledSessions} anonymous sessions, written to ${path}\n`);
  return measured;
}

/**
 * Serves the identity API over the configured graph until `shutdown` resolves: the local graph
 * in local mode (saved on exit if visits changed it), Neptune in aws mode (writes to the
 * cluster endpoint, reads to the reader endpoint when the stack outputs name one).
 */
export async function serveIdentityApi(config: KitConfig, options: ApiServeOptions, io: CliIo, shutdown: Promise<void>): Promise<number> {
  const writer = await connectGraph(config);
  const connections: GraphConnection[] = [writer];
  try {
    let reader = writer;
    const readHost = config.mode === 'aws' ? config.stackOutputs.NeptuneClusterReadEndpoint : undefined;
    if (readHost) {
      reader = await connectGraph({ ...config, neptune: { ...requireNeptuneEndpoint(config), host: readHost } });
      connections.push(reader);
    }
    const precision = await resolveRulePrecision(config, reader.g, io);
    const log: ApiLog = (entry) => {
      if (options.log === 'all' || entry.level === 'error') io.stderr(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);
    };
    const server = await startIdentityApiServer({ writer: writer.g, reader: reader.g, precision, log, host: options.host, port: options.port }).catch((error: unknown) => {
      const code = (error as { code?: string }).code;
      if (code === 'EADDRINUSE') throw new InvalidInputError(kitMessage('cli', `api: port ${options.port} on ${options.host} is in use; choose another with --port`), { cause: error });
      if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new InvalidInputError(kitMessage('cli', `api: cannot listen on host "${options.host}"`), { cause: error });
      throw error;
    });
    io.stdout(`${server.url}\n`);
    io.stderr(`idgraph api: POST ${server.url}/store-visit, GET ${server.url}/map-user?session=..., GET ${server.url}/customer-view?user=... (${config.mode} graph); Ctrl-C stops\n`);
    await shutdown;
    await server.close();
    return 0;
  } finally {
    for (const connection of connections) await connection.close();
  }
}

export const apiCommand: CliCommand = {
  name: 'api',
  summary: 'serve the identity APIs (/store-visit, /map-user, /customer-view) over HTTP',
  usage: `Usage: idgraph api [--port 8080] [--host 127.0.0.1] [--log all|errors]

Serves the identity APIs over the graph of the configured mode (local: the persisted local graph,
saved on exit if visits changed it; aws: Neptune, reads on the reader endpoint). Prints the base
URL on stdout; runs until Ctrl-C.

  POST /store-visit                               upsert one interaction and its identifiers
  GET  /map-user?session=ID|cookie=ID|device=ID    known users behind an anonymous identifier
  GET  /customer-view?user=U|email=E|external_id=X|phone=P   the customer's unified view
  GET  /schemas/<endpoint>                         the endpoint's JSON Schema

/map-user's confidences are the rules' precision from <data dir>/identity-api/rule-precision.json;
without it, measured at start against the generator's ground truth (then written there), else
defaults.

  --port   port to listen on (default 8080; 0 picks a free port)
  --host   interface to listen on (default 127.0.0.1: not reachable from other machines)
  --log    all: one JSON line per request on stderr (default); errors: failures only
`,
  options: { port: { type: 'string' }, host: { type: 'string' }, log: { type: 'string' } },
  async run(invocation, io) {
    const portText = invocation.values.port as string | undefined;
    const port = portText === undefined ? 8080 : Number(portText);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidInputError(kitMessage('cli', `api: --port must be an integer from 0 to 65535, got "${portText}"`));
    const log = (invocation.values.log as string | undefined) ?? 'all';
    if (log !== 'all' && log !== 'errors') throw new InvalidInputError(kitMessage('cli', `api: --log must be all or errors, got "${log}"`));
    return serveIdentityApi(loadConfig(), { host: (invocation.values.host as string | undefined) ?? '127.0.0.1', port, log }, io, waitForStopSignal());
  },
};
