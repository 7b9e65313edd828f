import { Baseline, CandidateResource, UNKNOWN, validateBaseline } from "../../../policies/iam";

export { UNKNOWN };

export const ACCOUNT = "123456789012";
export const LAMBDA_TRUST = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] };

let n = 0;
export function res(type: string, name: string, props: Record<string, unknown>): CandidateResource {
  return { type, name, urn: `urn:pulumi:test::app::${type}::${name}`, props };
}

/** A role named `name` with one inline RolePolicy holding `statements` (as JSON, as Pulumi passes it). */
export function roleWith(name: string, statements: unknown[], trust: unknown = LAMBDA_TRUST): CandidateResource[] {
  n++;
  return [
    res("aws:iam/role:Role", name, { name, assumeRolePolicy: JSON.stringify(trust) }),
    res("aws:iam/rolePolicy:RolePolicy", `${name}-policy-${n}`, { role: name, policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }) }),
  ];
}

/** A validated baseline with one role (raw statements, as a reviewer would write them). */
export function baselineOf(name: string, permissions: unknown[], trust: unknown[] = LAMBDA_TRUST.Statement, managedPolicyArns?: string[]): Baseline {
  const entry = { permissions: { Version: "2012-10-17", Statement: permissions }, trust: { Version: "2012-10-17", Statement: trust }, ...(managedPolicyArns ? { managedPolicyArns } : {}) };
  return validateBaseline({ roles: { [name]: entry } }, "test baseline");
}
