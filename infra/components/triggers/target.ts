import * as pulumi from "@pulumi/pulumi";

/** What every trigger needs to know about its target: the function and its `live` alias. */
export interface TriggerTarget {
  /** The function's physical name (a resource's `name` output: known at preview, keeps the dependency). */
  readonly functionName: pulumi.Input<string>;
  /** The alias the trigger invokes, never `$LATEST`. */
  readonly aliasName: pulumi.Input<string>;
  /** ARN of that alias, built from known names. */
  readonly aliasArn: pulumi.Input<string>;
}
