import * as pulumi from "@pulumi/pulumi";
import { FunctionSettings, StackResourceName } from "../catalog";
import { arns, StackContext } from "../naming";

/**
 * IAM documents as plain data, built from names known at preview. Kept apart from the components
 * so the exact grants can be read (and tested) as a table.
 */

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow";
  readonly Action: string[];
  readonly Resource: pulumi.Input<string>[] | "*";
  readonly Condition?: Record<string, Record<string, pulumi.Input<string>>>;
}

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: PolicyStatement[];
}

/**
 * X-Ray's PutTraceSegments and PutTelemetryRecords support no resource-level permissions, so
 * `Resource: "*"` is the only form AWS accepts. They are the one exception to "no `*`".
 */
export const XRAY_WRITE_ACTIONS = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"] as const;

/** What a queue consumer needs to poll, delete, extend and inspect its own queue. */
export const QUEUE_CONSUME_ACTIONS = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"] as const;

export interface TrustDocument {
  readonly Version: "2012-10-17";
  readonly Statement: {
    readonly Sid: string;
    readonly Effect: "Allow";
    readonly Principal: { readonly Service: string };
    readonly Action: string[];
    readonly Condition: Record<string, Record<string, pulumi.Input<string>>>;
  }[];
}

/** A role only this service, acting for this account, can assume (the confused-deputy guard). */
export function serviceTrustPolicy(service: string, accountId: pulumi.Input<string>): TrustDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AssumedByService",
        Effect: "Allow",
        Principal: { Service: service },
        Action: ["sts:AssumeRole"],
        Condition: { StringEquals: { "aws:SourceAccount": accountId } },
      },
    ],
  };
}

/** The stack's shared resources a function may be granted access to, by name. */
export interface SharedResourceNames {
  readonly eventBus: pulumi.Input<string>;
  readonly ordersTable: pulumi.Input<string>;
  readonly ordersTableIndexes: readonly string[];
}

/** ARNs a grant on a shared resource covers: a table's grant also covers its indexes (queries on them). */
export function sharedResourceArns(ctx: StackContext, shared: SharedResourceNames, resource: StackResourceName): pulumi.Output<string>[] {
  switch (resource) {
    case "eventBus":
      return [arns.eventBus(ctx, shared.eventBus)];
    case "ordersTable":
      return [arns.table(ctx, shared.ordersTable), ...shared.ordersTableIndexes.map((i) => arns.tableIndex(ctx, shared.ordersTable, i))];
  }
}

export interface FunctionPolicyArgs {
  readonly functionName: string;
  readonly logGroupName: pulumi.Input<string>;
  readonly settings: FunctionSettings;
  /** The function's own queue, for queue consumers. */
  readonly queueName?: pulumi.Input<string>;
  readonly shared: SharedResourceNames;
}

/**
 * Everything a function's role may do, and nothing else: write its own log group, send traces,
 * consume its own queue, and exactly the actions its function.json declares on the named stack
 * resources. No action wildcards (function.json cannot express one).
 */
export function functionPolicy(ctx: StackContext, a: FunctionPolicyArgs): PolicyDocument {
  const statements: PolicyStatement[] = [
    {
      Sid: "WriteOwnLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: [arns.logGroup(ctx, a.logGroupName), arns.logStreams(ctx, a.logGroupName)],
    },
    { Sid: "WriteTraces", Effect: "Allow", Action: [...XRAY_WRITE_ACTIONS], Resource: "*" },
  ];
  if (a.queueName !== undefined)
    statements.push({ Sid: "ConsumeOwnQueue", Effect: "Allow", Action: [...QUEUE_CONSUME_ACTIONS], Resource: [arns.queue(ctx, a.queueName)] });

  // One statement per stack resource, actions merged and sorted so the document is stable.
  const byResource = new Map<StackResourceName, Set<string>>();
  for (const p of a.settings.permissions) {
    const set = byResource.get(p.resource) ?? new Set<string>();
    p.actions.forEach((action) => set.add(action));
    byResource.set(p.resource, set);
  }
  for (const [resource, actions] of [...byResource].sort(([x], [y]) => x.localeCompare(y))) {
    statements.push({
      Sid: `Use${resource[0].toUpperCase()}${resource.slice(1)}`,
      Effect: "Allow",
      Action: [...actions].sort(),
      Resource: sharedResourceArns(ctx, a.shared, resource),
    });
  }
  return { Version: "2012-10-17", Statement: statements };
}

/** A document as the JSON string IAM takes; unknown only if a name or the account id is. */
export function policyJson(doc: unknown): pulumi.Output<string> {
  return pulumi.jsonStringify(pulumi.output(doc));
}
