import { GetJobRunCommand, StartJobRunCommand, type GlueClient, type JobRun } from '@aws-sdk/client-glue';
import { OperationFailedError, kitMessage } from '../errors.js';
import { pollUntil, type PollOptions } from '../poll.js';

/** Run states that end a Glue job run in failure (https://docs.aws.amazon.com/glue/latest/webapi/API_JobRun.html). */
const FAILED_STATES = new Set(['FAILED', 'TIMEOUT', 'STOPPED', 'ERROR', 'EXPIRED']);

export interface GlueTransformOptions {
  glue: GlueClient;
  jobName: string;
  /** Job arguments (`--model_s3_path`, `--output_s3_path`, ...), e.g. from prepareGlueTransform. */
  arguments?: Record<string, string>;
  /** Back-off of the GetJobRun polling (default 5 s doubling to 60 s, give up after 2 h). */
  pollOptions?: PollOptions;
  /** Called with the run state after each poll that is not final. */
  onProgress?: (state: string, elapsedMs: number) => void;
}

export interface GlueJobRunResult {
  jobRunId: string;
  state: 'SUCCEEDED';
  /** Seconds the run took, as Glue reports it. */
  executionTimeSeconds?: number;
  jobRun: JobRun;
}

/**
 * Starts the Glue ETL job (`StartJobRun` with its arguments) and polls `GetJobRun` with
 * back-off until it SUCCEEDED. A run that ends FAILED, TIMEOUT, STOPPED, ERROR or EXPIRED
 * throws OperationFailedError carrying Glue's ErrorMessage; an over-long run throws
 * DeadlineExceededError.
 */
export async function runGlueTransform(options: GlueTransformOptions): Promise<GlueJobRunResult> {
  const { glue, jobName } = options;
  let jobRunId: string | undefined;
  try {
    jobRunId = (await glue.send(new StartJobRunCommand({ JobName: jobName, Arguments: options.arguments }))).JobRunId;
  } catch (cause) {
    throw new OperationFailedError(kitMessage('glue', `StartJobRun of job ${jobName} failed: ${(cause as Error).message}`), { cause });
  }
  if (!jobRunId) throw new OperationFailedError(kitMessage('glue', `StartJobRun of job ${jobName} returned no JobRunId`));
  const runId = jobRunId;
  const jobRun = await pollUntil(
    async () => {
      const run = (await glue.send(new GetJobRunCommand({ JobName: jobName, RunId: runId }))).JobRun;
      const state = run?.JobRunState ?? 'UNKNOWN';
      if (FAILED_STATES.has(state)) {
        throw new OperationFailedError(
          kitMessage('glue', `job ${jobName} run ${runId} ended ${state}: ${run?.ErrorMessage ?? 'Glue gave no error message'}`),
        );
      }
      return { done: state === 'SUCCEEDED', value: run ?? {} };
    },
    {
      minDelay: 5_000,
      maxDelay: 60_000,
      timeout: 2 * 60 * 60_000,
      what: `Glue job ${jobName} run ${runId}`,
      onPending: (run, elapsed) => options.onProgress?.((run as JobRun).JobRunState ?? 'UNKNOWN', elapsed),
      ...options.pollOptions,
    },
  );
  const result: GlueJobRunResult = { jobRunId: runId, state: 'SUCCEEDED', jobRun };
  if (jobRun.ExecutionTime !== undefined) result.executionTimeSeconds = jobRun.ExecutionTime;
  return result;
}
