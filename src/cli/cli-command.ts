import type { ParseArgsConfig } from 'node:util';

export type CliOptions = NonNullable<ParseArgsConfig['options']>;

export interface CliInvocation {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

/** Where a command writes: stdout for results, stderr for progress. Injected so tests can capture. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when stderr is a terminal (progress may redraw a line). */
  isTty: boolean;
}

/** One `idgraph <name>` step. Each lives in its own file under src/cli/commands/. */
export interface CliCommand {
  name: string;
  /** One line for `idgraph --help`. */
  summary: string;
  /** Usage text for `idgraph <name> --help`: flags, defaults, ranges. */
  usage: string;
  options: CliOptions;
  /** Whether positionals are accepted. */
  allowPositionals?: boolean;
  /** Returns the process exit code (0 when omitted). */
  run(invocation: CliInvocation, io: CliIo): Promise<number | void>;
}
