import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStacksCommand,
  UpdateStackCommand,
  waitUntilStackCreateComplete,
  waitUntilStackDeleteComplete,
  waitUntilStackUpdateComplete,
  type Capability,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import { InvalidInputError, kitMessage, OperationFailedError } from '../errors.js';
import { describeStackFailure, watchStackEvents } from './stack-events.js';

/** How long and how often the SDK's waiters poll DescribeStacks (seconds, as the SDK takes them). */
export interface StackWaitOptions {
  /** Give up after this many seconds (default 3600: a Neptune cluster takes 10-20 minutes). */
  maxWaitTime?: number;
  /** First delay between polls (default 15). */
  minDelay?: number;
  /** Largest delay between polls (default 60). */
  maxDelay?: number;
}

export interface DeployStackInput {
  stackName: string;
  /** S3 URL of the template (https://<bucket>.s3.<region>.amazonaws.com/<key>). */
  templateUrl?: string;
  /** Or the template itself (CloudFormation takes up to 51,200 bytes this way). */
  templateBody?: string;
  parameters?: Record<string, string>;
  capabilities?: Capability[];
  tags?: Record<string, string>;
}

export interface DeployStackOptions {
  wait?: StackWaitOptions;
  /** A stack left in ROLLBACK_COMPLETE cannot be updated: delete it first, then create it again. */
  replaceRolledBack?: boolean;
  /** Progress lines; with it, the stack's events are logged while the waiter waits. */
  log?: (line: string) => void;
  /** How often to look at new stack events while waiting, in ms (default: the waiter's minDelay). */
  eventInterval?: number;
}

export type StackAction = 'created' | 'updated' | 'unchanged';

export interface DeployStackResult {
  stackName: string;
  action: StackAction;
  outputs: Record<string, string>;
}

const NO_UPDATES = /No updates are to be performed/i;
const DOES_NOT_EXIST = /does not exist/i;

/** The stack, or undefined when CloudFormation answers "Stack with id X does not exist". */
export async function describeStack(client: CloudFormationClient, stackName: string): Promise<Stack | undefined> {
  try {
    const response = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    return response.Stacks?.[0];
  } catch (error) {
    if (isValidationError(error) && DOES_NOT_EXIST.test((error as Error).message)) return undefined;
    throw toKitError(error, `DescribeStacks ${stackName}`);
  }
}

/** A stack's outputs as `{ OutputKey: OutputValue }`. */
export function readStackOutputs(stack: Stack | undefined): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const output of stack?.Outputs ?? []) {
    if (output.OutputKey && output.OutputValue !== undefined) outputs[output.OutputKey] = output.OutputValue;
  }
  return outputs;
}

/**
 * Creates the stack if it does not exist, updates it otherwise, and waits with the SDK's waiters.
 * "No updates are to be performed" is success (`unchanged`). A stack in ROLLBACK_COMPLETE (its
 * first creation failed) is explained — CloudFormation can only delete it — and replaced when
 * `replaceRolledBack` is set. On failure, the stack's failed events are in the error message.
 */
export async function deployStack(client: CloudFormationClient, input: DeployStackInput, options: DeployStackOptions = {}): Promise<DeployStackResult> {
  const { stackName } = input;
  const log = options.log ?? (() => {});
  if (!input.templateUrl === !input.templateBody) {
    throw new InvalidInputError(kitMessage('cloudformation', `deployStack ${stackName}: give exactly one of templateUrl and templateBody`));
  }
  let existing = await describeStack(client, stackName);

  if (existing?.StackStatus === 'ROLLBACK_COMPLETE' || existing?.StackStatus === 'ROLLBACK_FAILED') {
    const events = await describeStackFailure(client, stackName);
    if (!options.replaceRolledBack) {
      throw new OperationFailedError(
        kitMessage(
          'cloudformation',
          `stack ${stackName} is in ${existing.StackStatus}: its creation failed and CloudFormation cannot update it. ` +
            `Delete it (idgraph destroy, or provision with --replace-rolled-back) and provision again. Its creation failed with:\n${events}`,
        ),
      );
    }
    log(`${stackName}: ${existing.StackStatus}, deleting it before creating it again`);
    await deleteStack(client, stackName, options);
    existing = undefined;
  } else if (existing?.StackStatus?.endsWith('_IN_PROGRESS')) {
    throw new OperationFailedError(kitMessage('cloudformation', `stack ${stackName} is busy (${existing.StackStatus}); wait for it to finish and provision again`));
  }

  const common = {
    StackName: stackName,
    TemplateURL: input.templateUrl,
    TemplateBody: input.templateBody,
    Parameters: Object.entries(input.parameters ?? {}).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })),
    Capabilities: input.capabilities,
    Tags: Object.entries(input.tags ?? {}).map(([Key, Value]) => ({ Key, Value })),
  };
  const waiter = toWaiterConfig(client, options.wait);
  let action: StackAction;

  if (!existing || existing.StackStatus === 'DELETE_COMPLETE') {
    log(`${stackName}: creating`);
    const started = new Date();
    await client.send(new CreateStackCommand({ ...common, OnFailure: 'ROLLBACK' })).catch((error: unknown) => {
      throw toKitError(error, `CreateStack ${stackName}`);
    });
    await waitOrExplain(client, stackName, 'create', () => waitUntilStackCreateComplete(waiter, { StackName: stackName }), options, started);
    action = 'created';
  } else {
    log(`${stackName}: updating`);
    const started = new Date();
    try {
      await client.send(new UpdateStackCommand(common));
    } catch (error) {
      if (!(isValidationError(error) && NO_UPDATES.test((error as Error).message))) throw toKitError(error, `UpdateStack ${stackName}`);
      log(`${stackName}: no changes`);
      return { stackName, action: 'unchanged', outputs: readStackOutputs(existing) };
    }
    await waitOrExplain(client, stackName, 'update', () => waitUntilStackUpdateComplete(waiter, { StackName: stackName }), options, started);
    action = 'updated';
  }
  const outputs = readStackOutputs(await describeStack(client, stackName));
  log(`${stackName}: ${action}`);
  return { stackName, action, outputs };
}

/** Deletes a stack (absent is fine) and waits for DELETE_COMPLETE; failure shows the failed events. */
export async function deleteStack(client: CloudFormationClient, stackName: string, options: Pick<DeployStackOptions, 'wait' | 'log' | 'eventInterval'> = {}): Promise<boolean> {
  const existing = await describeStack(client, stackName);
  if (!existing || existing.StackStatus === 'DELETE_COMPLETE') return false;
  options.log?.(`${stackName}: deleting`);
  const started = new Date();
  await client.send(new DeleteStackCommand({ StackName: stackName })).catch((error: unknown) => {
    throw toKitError(error, `DeleteStack ${stackName}`);
  });
  await waitOrExplain(client, stackName, 'delete', () => waitUntilStackDeleteComplete(toWaiterConfig(client, options.wait), { StackName: stackName }), options, started);
  options.log?.(`${stackName}: deleted`);
  return true;
}

async function waitOrExplain(
  client: CloudFormationClient,
  stackName: string,
  operation: string,
  wait: () => Promise<{ state: string }>,
  options: Pick<DeployStackOptions, 'wait' | 'log' | 'eventInterval'>,
  since: Date,
): Promise<void> {
  let state: string;
  let cause: unknown;
  const intervalMs = options.eventInterval ?? (options.wait?.minDelay ?? 15) * 1000;
  const watch = options.log ? watchStackEvents(client, stackName, options.log, { intervalMs, since }) : undefined;
  try {
    state = (await wait()).state;
  } catch (error) {
    // waitUntil* throws on FAILURE and TIMEOUT (the message holds the last DescribeStacks).
    cause = error;
    state = /TIMEOUT/.test(String((error as Error).message)) ? 'TIMEOUT' : 'FAILURE';
  } finally {
    await watch?.stop();
  }
  if (state === 'SUCCESS') return;
  const stack = await describeStack(client, stackName).catch(() => undefined);
  const events = await describeStackFailure(client, stackName);
  const status = stack?.StackStatus ?? 'unknown status';
  const reason = stack?.StackStatusReason ? ` (${stack.StackStatusReason})` : '';
  throw new OperationFailedError(
    kitMessage('cloudformation', `${operation} of stack ${stackName} ended in ${state === 'TIMEOUT' ? 'a timeout' : 'failure'}: ${status}${reason}. Failed events:\n${events}`),
    { cause },
  );
}

function toWaiterConfig(client: CloudFormationClient, wait: StackWaitOptions = {}) {
  return { client, maxWaitTime: wait.maxWaitTime ?? 3600, minDelay: wait.minDelay ?? 15, maxDelay: wait.maxDelay ?? 60 };
}

/** An SDK error in the kit's family: `[kit] [cloudformation] CreateStack x: <SDK message>`, with the cause. */
function toKitError(error: unknown, operation: string): OperationFailedError {
  const name = (error as { name?: string })?.name ?? 'Error';
  return new OperationFailedError(kitMessage('cloudformation', `${operation}: ${name}: ${(error as Error)?.message ?? String(error)}`), { cause: error });
}

function isValidationError(error: unknown): boolean {
  const name = (error as { name?: string; Code?: string })?.name;
  return name === 'ValidationError' || (error as { Code?: string })?.Code === 'ValidationError';
}
