import { CloudFormationClient, DescribeStackEventsCommand, type StackEvent } from '@aws-sdk/client-cloudformation';

/**
 * The failed events of a stack's latest operation, oldest first: what CloudFormation said went
 * wrong (`CREATE_FAILED AWS::Neptune::DBCluster Cluster: ...`). Reads at most `maxPages` pages.
 */
export async function listFailedStackEvents(client: CloudFormationClient, stackName: string, maxPages = 3): Promise<StackEvent[]> {
  const failed: StackEvent[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const response = await client.send(new DescribeStackEventsCommand({ StackName: stackName, NextToken: nextToken }));
    for (const event of response.StackEvents ?? []) {
      if (event.ResourceStatus?.endsWith('_FAILED')) failed.push(event);
    }
    nextToken = response.NextToken;
    if (!nextToken) break;
  }
  return failed.reverse();
}

/** One line per event: `time LogicalId (Type) STATUS: reason`. */
export function formatStackEvents(events: StackEvent[]): string {
  return events
    .map((event) => {
      const time = event.Timestamp ? event.Timestamp.toISOString() : '';
      return `  ${time} ${event.LogicalResourceId ?? '?'} (${event.ResourceType ?? '?'}) ${event.ResourceStatus ?? '?'}: ${event.ResourceStatusReason ?? ''}`.trimEnd();
    })
    .join('\n');
}

/** Failed events formatted for an error message; never throws (the caller is already failing). */
export async function describeStackFailure(client: CloudFormationClient, stackName: string): Promise<string> {
  try {
    const events = await listFailedStackEvents(client, stackName);
    return events.length === 0 ? '  (no failed events recorded)' : formatStackEvents(events);
  } catch (cause) {
    return `  (could not read stack events: ${(cause as Error).message})`;
  }
}

export interface StackEventWatch {
  /** Stops watching after one last look at the events; resolves when the watcher is done. */
  stop(): Promise<void>;
}

/**
 * Logs the stack's new events (`Cluster AWS::Neptune::DBCluster CREATE_IN_PROGRESS`) every
 * `intervalMs` while an SDK waiter — which reports nothing until the end — waits: a Neptune
 * cluster takes 10-20 minutes and the reader should see it moving. Events older than `since`
 * (minus a little clock skew) belong to earlier operations and are skipped. Read errors are
 * ignored: the waiter, not the watcher, decides success.
 */
export function watchStackEvents(client: CloudFormationClient, stackName: string, log: (line: string) => void, options: { intervalMs: number; since: Date }): StackEventWatch {
  const seen = new Set<string>();
  const since = options.since.getTime() - 5_000;
  let stopped = false;
  let wake: () => void = () => {};
  const look = async () => {
    try {
      const response = await client.send(new DescribeStackEventsCommand({ StackName: stackName }));
      const fresh = (response?.StackEvents ?? []).filter((event) => event.EventId && !seen.has(event.EventId) && (event.Timestamp?.getTime() ?? 0) >= since);
      for (const event of fresh.reverse()) {
        seen.add(event.EventId!);
        const reason = event.ResourceStatusReason ? `: ${event.ResourceStatusReason}` : '';
        log(`${stackName}: ${event.LogicalResourceId ?? '?'} ${event.ResourceType ?? '?'} ${event.ResourceStatus ?? '?'}${reason}`);
      }
    } catch {
      // Not fatal: the next look, or the waiter's verdict, tells.
    }
  };
  const loop = (async () => {
    for (;;) {
      await look();
      if (stopped) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.intervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      wake();
      await loop;
    },
  };
}
