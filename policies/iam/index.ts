// The IAM analysis engine: pure functions over plain resource inputs (no @pulumi/* imports).
export * from "./types";
export { normalizePolicyDocument, UnknownValueError } from "./normalize";
export { collectRoleGrants, T as IAM_TYPES } from "./collect";
export { findPrivilegeExpansion } from "./expansion";
export { findAbsoluteViolations, ABSOLUTE_RULES } from "./absolute";
export { validateBaseline, baselineFromRoles } from "./baseline";
export { MANAGED_POLICIES } from "./managed-policies";
export { ESCALATION_COMBINATIONS } from "./escalation-combinations";
