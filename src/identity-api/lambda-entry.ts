/**
 * The Lambda bundle's entry point (built by scripts/build-identity-api-bundle.mjs): one gremlin
 * connection per execution environment, opened on first use and kept for the next invocations.
 * Environment (set by cloudformation-templates/identity-api.yaml): NEPTUNE_ENDPOINT — the
 * cluster's writer endpoint for the store-visit function, its reader endpoint for the others —
 * NEPTUNE_PORT, NEPTUNE_IAM_AUTH (true signs with the function role, SigV4), AWS_REGION, and
 * optionally IDGRAPH_RULE_PRECISION; NEPTUNE_URL replaces wss://<endpoint>:<port>/gremlin (the
 * tests point the bundle at the embedded Gremlin server on loopback).
 */
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import gremlin from 'gremlin';
import { createNeptuneRemoteConnection } from '../graph/neptune-connection.js';
import type { ApiContext } from './api-types.js';
import { createLambdaHandler } from './lambda-handler.js';
import { readRulePrecisionFromEnv } from './rule-precision.js';

let context: Promise<ApiContext> | undefined;

function createContext(env = process.env): ApiContext {
  const host = env.NEPTUNE_ENDPOINT;
  if (!host) throw new Error('[kit] [identity-api] NEPTUNE_ENDPOINT is not set');
  const port = Number(env.NEPTUNE_PORT ?? 8182);
  const iamAuth = env.NEPTUNE_IAM_AUTH !== 'false';
  const region = env.AWS_REGION ?? 'us-east-1';
  const remote = createNeptuneRemoteConnection({ url: env.NEPTUNE_URL ?? `wss://${host}:${port}/gremlin`, host, port, region, iamAuth, credentials: iamAuth ? defaultProvider() : undefined });
  const g = gremlin.process.AnonymousTraversalSource.traversal().withRemote(remote);
  // CloudWatch Logs keeps one line per console.log: JSON, so Logs Insights can filter by requestId.
  return { writer: g, reader: g, precision: readRulePrecisionFromEnv(env), log: (entry) => console.log(JSON.stringify(entry)) };
}

export const handler = createLambdaHandler(() => (context ??= Promise.resolve().then(() => createContext())));
