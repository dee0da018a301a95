/**
 * moto's server (`.venv/moto`, made by `bash .ci/python-env.sh moto`): a protocol-level emulator
 * of S3, CloudFormation and the rest, started on 127.0.0.1 with a free port. The kit reaches it
 * through the SDK's standard `AWS_ENDPOINT_URL`, exactly as it would reach any other endpoint.
 * Missing moto skips the tests that need it, with a notice, unless CI=true.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { PROJECT_ROOT } from './notebook-runner.js';

export const MOTO_SERVER = join(PROJECT_ROOT, '.venv', 'moto', 'bin', 'moto_server');

/** Why moto cannot run here, or undefined when it can. */
export function checkMoto(): string | undefined {
  return existsSync(MOTO_SERVER) ? undefined : `${MOTO_SERVER} missing (bash .ci/python-env.sh moto)`;
}

export interface MotoServer {
  endpoint: string;
  /** The environment an SDK client needs to use it: endpoint, fake credentials, region. */
  env: Record<string, string>;
  /** Drops every resource (moto's reset API), so tests do not see each other's buckets. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A request to moto's own API (its status code). */
function callMoto(url: string, method = 'GET'): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Starts moto on a free port of 127.0.0.1. Note that moto applies a bucket policy's Deny
 * statements without their Condition (its put_bucket_policy says so): the kit's TLS-only policy
 * therefore refuses every object request there, over HTTP and HTTPS alike.
 */
export async function startMotoServer(): Promise<MotoServer> {
  const port = await findFreePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(MOTO_SERVER, ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited (${child.exitCode}): ${stderr}`);
    try {
      if ((await callMoto(`${endpoint}/moto-api/data.json`)) === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`moto_server did not answer on ${endpoint} within 30 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    endpoint,
    env: { AWS_ENDPOINT_URL: endpoint, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1' },
    async reset() {
      await callMoto(`${endpoint}/moto-api/reset`, 'POST');
    },
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * Sets `env` on process.env for the duration of a test file (the SDK reads AWS_ENDPOINT_URL and
 * credentials from there) and returns the function that restores what was there.
 */
export function setProcessEnv(env: Record<string, string | undefined>): () => void {
  const saved: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(env)) {
    saved[name] = process.env[name];
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  return () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
