import { loadConfig } from '../../config/index.js';
import { InvalidInputError, NotFoundError, kitMessage } from '../../errors.js';
import { connectGraph } from '../../graph/connect-graph.js';
import { describeLocalGraphState, inspectLocalGraph } from '../../graph/local-graph-store.js';
import { toJsonValue } from '../../graph/to-json-value.js';
import type { CliCommand } from '../cli-command.js';

export const queryCommand: CliCommand = {
  name: 'query',
  summary: 'run a Gremlin query against the graph and print the results',
  usage: `Usage: idgraph query '<gremlin text>' [--json]

Runs one Gremlin traversal (e.g. "g.V().hasLabel('User').count()") against Neptune (aws mode) or
the local graph (local mode) and prints the result list: one JSON value per line, or with --json
one JSON array. Vertices and edges print as {"id","label"}, paths as arrays, maps as objects,
numbers as numbers. In local mode, a data directory with no saved graph (nothing loaded yet, or
a first load that was interrupted) is an error that says so, not an empty answer.
`,
  options: { json: { type: 'boolean' } },
  allowPositionals: true,
  async run(invocation, io) {
    const text = invocation.positionals.join(' ').trim();
    if (text === '') throw new InvalidInputError(kitMessage('cli', "query: give the Gremlin text, e.g. idgraph query 'g.V().count()'"));
    const config = loadConfig();
    if (config.mode === 'local') {
      // An empty graph answers every count with 0: say why instead.
      const state = inspectLocalGraph(config);
      const problem = describeLocalGraphState(state);
      if (!state.saved) throw new NotFoundError(kitMessage('local-graph', problem!));
      if (problem) io.stderr(`query: ${problem}\n`);
    }
    const connection = await connectGraph(config);
    try {
      const results = (await connection.query(text)).map(toJsonValue);
      io.stdout(invocation.values.json ? `${JSON.stringify(results)}\n` : results.map((r) => `${JSON.stringify(r)}\n`).join(''));
    } finally {
      await connection.close();
    }
  },
};
