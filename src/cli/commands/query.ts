import { loadConfig } from '../../config/index.js';
import { InvalidInputError, kitMessage } from '../../errors.js';
import { connectGraph } from '../../graph/connect-graph.js';
import { toJsonValue } from '../../graph/to-json-value.js';
import type { CliCommand } from '../cli-command.js';

export const queryCommand: CliCommand = {
  name: 'query',
  summary: 'run a Gremlin query against the graph and print the results',
  usage: `Usage: idgraph query '<gremlin text>' [--json]

Runs one Gremlin traversal (e.g. "g.V().hasLabel('User').count()") against Neptune (aws mode) or
the local graph (local mode) and prints the result list: one JSON value per line, or with --json
one JSON array. Vertices and edges print as {"id","label"}, paths as arrays, maps as objects,
numbers as numbers.
`,
  options: { json: { type: 'boolean' } },
  allowPositionals: true,
  async run(invocation, io) {
    const text = invocation.positionals.join(' ').trim();
    if (text === '') throw new InvalidInputError(kitMessage('cli', "query: give the Gremlin text, e.g. idgraph query 'g.V().count()'"));
    const connection = await connectGraph(loadConfig());
    try {
      const results = (await connection.query(text)).map(toJsonValue);
      io.stdout(invocation.values.json ? `${JSON.stringify(results)}\n` : results.map((r) => `${JSON.stringify(r)}\n`).join(''));
    } finally {
      await connection.close();
    }
  },
};
