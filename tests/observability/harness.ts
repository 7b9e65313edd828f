import * as pulumi from "@pulumi/pulumi";
import { StackContext } from "../../infra/naming";

/**
 * Runs a piece of program under Pulumi's mock engine and returns every resource it registered
 * with the inputs the engine received. Preview semantics by default: the mock invents no computed
 * outputs, so a value unknown at a real preview stays unknown here.
 */

export const ACCOUNT = "123456789012";
export const REGION = "eu-west-1";

export const context = (stack = "prod"): StackContext => ({ project: "serverless", stack, region: REGION, partition: "aws", accountId: ACCOUNT });

export interface Registered {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, any>;
}

export interface Registrations {
  readonly all: Registered[];
  ofType(type: string): Registered[];
  one(type: string): Registered;
}

export const TYPES = {
  dashboard: "aws:cloudwatch/dashboard:Dashboard",
  compositeAlarm: "aws:cloudwatch/compositeAlarm:CompositeAlarm",
  budget: "aws:budgets/budget:Budget",
  topicPolicy: "aws:sns/topicPolicy:TopicPolicy",
} as const;

// The SDK keeps its mock engine in module globals: runs are chained, never concurrent.
let queue: Promise<unknown> = Promise.resolve();

export function underMocks(program: () => void, opts: { preview?: boolean; stack?: string } = {}): Promise<Registrations> {
  const run = queue.then(() => runOnce(program, opts));
  queue = run.catch(() => undefined);
  return run;
}

async function runOnce(program: () => void, opts: { preview?: boolean; stack?: string }): Promise<Registrations> {
  const all: Registered[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        all.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: (args) => {
        throw new Error(`no mock for invoke ${args.token}`);
      },
    },
    "serverless",
    opts.stack ?? "prod",
    opts.preview ?? true,
  );
  program();
  // Internal to the SDK, but exactly "wait until every pending engine call has finished".
  await (require("@pulumi/pulumi/runtime/settings") as { waitForRPCs: () => Promise<void> }).waitForRPCs();
  return {
    all,
    ofType: (type) => all.filter((r) => r.type === type),
    one: (type) => {
      const found = all.filter((r) => r.type === type);
      if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}: ${found.map((r) => r.name).join(", ")}`);
      return found[0];
    },
  };
}
