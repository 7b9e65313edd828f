// The policy pack as the Pulumi CLI runs it: `pulumi preview --policy-pack policies`.
// This file only assembles the pack; constructing PolicyPack starts the analyzer's gRPC server.
import { PolicyPack } from "@pulumi/policy";
import { toPolicy } from "./lib/rule";
import { ALL_RULES } from "./rules/all";

new PolicyPack("serverless-delivery", {
  description: "Refuses IAM privilege expansion, unpinned or deprecated runtimes, missing alarms and plaintext secrets.",
  enforcementLevel: "mandatory",
  policies: ALL_RULES.map(toPolicy),
});
