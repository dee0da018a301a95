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
