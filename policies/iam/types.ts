// Plain data shared by the IAM analysis engine and the policy pack that calls it.
// Nothing here imports @pulumi/*: the engine is pure functions over plain objects.

/** The value the Pulumi engine puts where an input is unknown at preview (possibly nested or inside a JSON string). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** One resource as the analyzer sees it: its type token, Pulumi name, URN and inputs. */
export interface CandidateResource {
  type: string;
  name: string;
  urn: string;
  props: Record<string, unknown>;
}

/** A principal block: `{ AWS: [...], Service: [...], Federated: [...], CanonicalUser: [...] }`, values always arrays after normalization. */
export type Principal = Record<string, string[]>;

/** A normalized IAM statement: every list is an array, every condition value is a string array. */
export interface Statement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action?: string[];
  NotAction?: string[];
  Resource?: string[];
  NotResource?: string[];
  Principal?: Principal | "*";
  NotPrincipal?: Principal | "*";
  Condition?: Record<string, Record<string, string[]>>;
}

export interface PolicyDocument {
  Version: string;
  Statement: Statement[];
}

/** Everything one role is granted, from every source in the stack. */
export interface RoleGrants {
  /** Pulumi resource name of the role (the baseline key). Roles outside the stack are keyed `external:<role name>`; grants whose role cannot be determined are keyed `unknown-role:<resource name>`. */
  role: string;
  urn: string;
  /** The role's physical name when known at preview (its `name` input, or the external name). */
  roleName?: string;
  permissions: PolicyDocument;
  trust: PolicyDocument;
  /** One entry per source, e.g. `aws:iam/rolePolicy:RolePolicy orders-api-policy`. */
  sources: string[];
  /** Each: which value of which resource is unknown at preview and how to make it known. Non-empty means the role cannot be verified. */
  unverifiable: string[];
  /** Parallel to `permissions.Statement`: the source of each statement. */
  permissionSources: string[];
  /** Parallel to `trust.Statement`: the source of each statement. */
  trustSources: string[];
  /** Managed policies attached whose document the engine does not know exactly (unrecognised or approximated); each is "might-expand" unless the baseline lists the ARN. */
  opaqueManagedPolicies: { arn: string; source: string }[];
  /** Every managed policy ARN attached (known or not), for the absolute rules. */
  managedPolicyArns: { arn: string; source: string }[];
}

/** One grant the role has that its baseline does not (certainly or possibly) allow. */
export interface NewGrant {
  kind: "permission" | "trust";
  effect: "Allow";
  /** An action pattern, or `*` when the grant is described by `notAction` or is an opaque managed policy. */
  action: string;
  /** Set when the grant is an Allow with NotAction: everything except these actions. */
  notAction?: string[];
  resource?: string;
  /** Set when the grant is an Allow with NotResource: every resource except these. */
  notResource?: string[];
  /** `Service:lambda.amazonaws.com`, `AWS:arn:aws:iam::123456789012:root`, `*`, ... */
  principal?: string;
  condition?: Record<string, Record<string, string[]>>;
  /** Set for an attached managed policy whose contents the engine cannot compare. */
  managedPolicyArn?: string;
  certainty: "expands" | "might-expand";
  /** Why the answer is only "might-expand" (a condition, an unknown value, a partial overlap). */
  reason?: string;
  source: string;
  /** The statement to add to the baseline to approve this grant. */
  approve: Statement | { managedPolicyArn: string };
  /** One line, ready to print: role, URN, what is new, how to approve or remove it. */
  message: string;
}

export interface BaselineRole {
  permissions: PolicyDocument;
  trust: PolicyDocument;
  /** Optional: managed policy ARNs approved as a whole (for policies whose document the engine does not ship). */
  managedPolicyArns?: string[];
}

export interface Baseline {
  roles: Record<string, BaselineRole>;
}

export interface AbsoluteViolation {
  /** One of ABSOLUTE_RULES' ids, e.g. "iam-no-wildcard-action". */
  rule: string;
  role?: string;
  urn: string;
  /** What, where, fix. */
  message: string;
}
