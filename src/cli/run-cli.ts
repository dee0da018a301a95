import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { InvalidInputError } from '../errors.js';
import type { CliCommand, CliIo } from './cli-command.js';
import { commands as registeredCommands } from './commands/index.js';

export function formatHelp(commands: CliCommand[]): string {
  const width = Math.max(...commands.map((c) => c.name.length), 4);
  const lines = [
    'idgraph — build, load and explore a customer identity graph (Amazon Neptune, or offline)',
    '',
    'Usage: idgraph <command> [flags]        idgraph <command> --help',
    '',
    'Commands (in pipeline order):',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options: --help (this text, or a command\'s flags after its name), --version',
    '',
    'Mode: IDGRAPH_MODE=local (default, everything embedded) or IDGRAPH_MODE=aws.',
    'State: IDGRAPH_DATA_DIR (default .idgraph/ in the current folder).',
  ];
  return lines.join('\n') + '\n';
}

/** The kit's version, from its package.json (two folders up from src/cli/ and dist/cli/ alike). */
export function readKitVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * Runs one CLI invocation and returns the exit code: 0 success, 1 failure, 2 bad usage or
 * bad input (a one-line message naming the flag and what is accepted).
 */
export async function runCli(argv: string[], io: CliIo, commands: CliCommand[] = registeredCommands): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(formatHelp(commands));
    return 0;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    io.stdout(`idgraph ${readKitVersion()}\n`);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    const what = name.startsWith('-') ? 'option' : 'command';
    io.stderr(`idgraph: unknown ${what} "${name}" (see idgraph --help)\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(command.usage.endsWith('\n') ? command.usage : command.usage + '\n');
    return 0;
  }
  let invocation;
  try {
    invocation = parseArgs({
      args: joinNegativeNumbers(rest, command),
      options: command.options,
      allowPositionals: command.allowPositionals ?? false,
      strict: true,
    });
  } catch (error) {
    io.stderr(`idgraph ${name}: ${(error as Error).message} (see idgraph ${name} --help)\n`);
    return 2;
  }
  try {
    const code = await command.run(invocation, io);
    return code ?? 0;
  } catch (error) {
    if (error instanceof InvalidInputError) {
      io.stderr(`idgraph ${name}: ${error.message}\n`);
      return 2;
    }
    const err = error as Error;
    io.stderr(`idgraph ${name}: ${err.message}\n`);
    if (process.env.IDGRAPH_DEBUG) io.stderr(`${err.stack}\n`);
    return 1;
  }
}

/**
 * `--records -5` would make parseArgs read `-5` as a flag and fail with a message that does not
 * name the accepted range; joined as `--records=-5` the command's own validation answers.
 */
function joinNegativeNumbers(args: string[], command: CliCommand): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const next = args[i + 1];
    const name = arg.startsWith('--') ? arg.slice(2) : undefined;
    if (name && command.options[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}
