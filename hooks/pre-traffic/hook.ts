import { CodeDeployClient, GetDeploymentCommand, PutLifecycleEventHookExecutionStatusCommand } from "@aws-sdk/client-codedeploy";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { parse as parseYaml } from "yaml";
import { InvocationResult, invocationResultOf, judge, outputSchemaOf } from "./judge";
import { Registry } from "./registry";

/** What CodeDeploy sends a lifecycle hook. */
export interface HookEvent {
  readonly DeploymentId: string;
  readonly LifecycleEventHookExecutionId: string;
}

export interface CheckResult {
  readonly function: string;
  readonly example: string;
  readonly ok: boolean;
  readonly reason: string;
}

export interface HookOutcome {
  readonly status: "Succeeded" | "Failed";
  readonly reason: string;
  readonly checks: readonly CheckResult[];
}

export interface Log {
  info(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface PreTrafficHookDeps {
  readonly registry: Registry;
  readonly codedeploy: CodeDeployClient;
  readonly lambda: LambdaClient;
  readonly log: Log;
  /** `<project>-<stack>-`: a function's physical name is this prefix plus its folder name. */
  readonly functionNamePrefix: string;
  /** "skip" leaves out valid examples (they have real effects). @default "run" */
  readonly validExamples?: "run" | "skip";
}

/** Time kept back to report the status: a hook that is killed before reporting stalls CodeDeploy for an hour. */
export const REPORT_MARGIN_MS = 15_000;

/** The target of a Lambda deployment, as its AppSpec names it. */
export interface AppSpecTarget {
  readonly functionName: string;
  readonly alias: string;
  readonly currentVersion: string;
  readonly targetVersion: string;
}

/**
 * The BeforeAllowTraffic hook. Whatever happens (an example breaking its contract, an AWS error,
 * a bug here) it reports a status to CodeDeploy; only a failure of that report itself is thrown.
 */
export function createPreTrafficHook(deps: PreTrafficHookDeps) {
  return async (event: HookEvent, context?: { getRemainingTimeInMillis(): number }): Promise<HookOutcome> => {
    const deploymentId = event?.DeploymentId;
    const executionId = event?.LifecycleEventHookExecutionId;
    if (typeof deploymentId !== "string" || typeof executionId !== "string" || !deploymentId || !executionId)
      // Nothing to report to: CodeDeploy did not send this event.
      throw new Error(`pre-traffic hook: the event must have DeploymentId and LifecycleEventHookExecutionId; got ${JSON.stringify(event)}.`);

    let outcome: HookOutcome;
    try {
      outcome = await check(deps, deploymentId, context);
    } catch (error) {
      const e = error as Error;
      deps.log.error("Pre-traffic check could not run; reporting Failed", { deploymentId, error: { name: e?.name, message: e?.message, stack: e?.stack } });
      outcome = { status: "Failed", reason: `the check could not run: ${e?.name ?? "Error"}: ${e?.message ?? String(error)}`, checks: [] };
    }
    await deps.codedeploy.send(new PutLifecycleEventHookExecutionStatusCommand({ deploymentId, lifecycleEventHookExecutionId: executionId, status: outcome.status }));
    deps.log.info("Reported lifecycle hook status", { deploymentId, status: outcome.status, reason: outcome.reason });
    return outcome;
  };
}

async function check(deps: PreTrafficHookDeps, deploymentId: string, context?: { getRemainingTimeInMillis(): number }): Promise<HookOutcome> {
  if (!deps.functionNamePrefix) return failed("FUNCTION_NAME_PREFIX is not set on the hook; infra/delivery/pre-traffic-hook.ts sets it to `<project>-<stack>-`");
  const deployment = await deps.codedeploy.send(new GetDeploymentCommand({ deploymentId }));
  const content = deployment.deploymentInfo?.revision?.appSpecContent?.content;
  if (!content) return failed(`deployment ${deploymentId} has no AppSpec content (revision type ${deployment.deploymentInfo?.revision?.revisionType ?? "unknown"})`);
  const target = parseAppSpec(content);
  if (!target.functionName.startsWith(deps.functionNamePrefix))
    return failed(`the AppSpec names function "${target.functionName}", which is not one of this stack's (prefix "${deps.functionNamePrefix}")`);
  const logical = target.functionName.slice(deps.functionNamePrefix.length);
  const fn = deps.registry[logical];
  if (!fn) return failed(`no contract or examples for "${logical}" in the hook's bundle (known: ${Object.keys(deps.registry).join(", ")}); rebuild and deploy the hook with the functions`);
  outputSchemaOf(fn); // a registry without an output schema is a build bug: throws, reported Failed

  const examples = fn.examples.filter((e) => !e.valid || deps.validExamples !== "skip");
  if (!examples.length) return failed(`"${logical}" has no example to run`);
  deps.log.info("Checking the target version against its contract", { deploymentId, ...target, examples: examples.length });

  const checks: CheckResult[] = [];
  for (const example of examples) {
    if (context && context.getRemainingTimeInMillis() < REPORT_MARGIN_MS)
      return { status: "Failed", reason: `ran out of time after ${checks.length} of ${examples.length} examples; raise the hook's timeout`, checks };
    const result = await invoke(deps.lambda, target, example.event);
    const verdict = judge(fn, example, result);
    const row = { function: logical, example: example.file, ok: verdict.ok, reason: verdict.reason };
    checks.push(row);
    if (verdict.ok) deps.log.info("Example passed", { deploymentId, version: target.targetVersion, ...row });
    else deps.log.error("Example broke the contract", { deploymentId, version: target.targetVersion, ...row });
  }
  const broken = checks.filter((c) => !c.ok);
  return broken.length
    ? { status: "Failed", reason: `${broken.length} of ${checks.length} examples broke the contract of ${logical}: ${broken.map((b) => `${b.example}: ${b.reason}`).join(" | ")}`, checks }
    : { status: "Succeeded", reason: `all ${checks.length} examples of ${logical} kept the contract on version ${target.targetVersion}`, checks };
}

function failed(reason: string): HookOutcome {
  return { status: "Failed", reason, checks: [] };
}

async function invoke(lambda: LambdaClient, target: AppSpecTarget, event: unknown): Promise<InvocationResult> {
  const out = await lambda.send(
    new InvokeCommand({
      FunctionName: target.functionName,
      // The new version itself, before any traffic reaches it through the alias.
      Qualifier: target.targetVersion,
      InvocationType: "RequestResponse",
      Payload: Buffer.from(JSON.stringify(event)),
    }),
  );
  return invocationResultOf(out);
}

/** Reads the one Lambda resource of an AppSpec (YAML or JSON, as CodeDeploy accepts both). */
export function parseAppSpec(content: string): AppSpecTarget {
  const doc = parseYaml(content) as { Resources?: unknown };
  const resources = Array.isArray(doc?.Resources) ? doc.Resources : [];
  if (resources.length !== 1) throw new Error(`the AppSpec must hold exactly one Lambda resource; it holds ${resources.length}`);
  const [entry] = Object.values(resources[0] as Record<string, unknown>) as { Type?: string; Properties?: Record<string, unknown> }[];
  const p = entry?.Properties ?? {};
  const str = (k: string) => (typeof p[k] === "string" || typeof p[k] === "number" ? String(p[k]) : "");
  const target = { functionName: str("Name"), alias: str("Alias"), currentVersion: str("CurrentVersion"), targetVersion: str("TargetVersion") };
  if (entry?.Type !== "AWS::Lambda::Function" || !target.functionName || !target.targetVersion)
    throw new Error(`the AppSpec resource must be an AWS::Lambda::Function with Name and TargetVersion; got ${JSON.stringify(entry)}`);
  return target;
}
