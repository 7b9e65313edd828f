import { Rule } from "../lib/rule";
import * as r from "./index";

/** The pack's rules as data (tests iterate over them; index.ts turns them into policies). */
export const ALL_RULES: Rule[] = [
  r.iamNoPrivilegeExpansion,
  ...r.iamAbsoluteRules,
  r.lambdaRuntimeSupported,
  r.lambdaRuntimePinned,
  r.codebuildImagePinned,
  r.lambdaAlarmsRequired,
  r.codedeployAlarmRollback,
  r.alarmHasAction,
  r.dlqDepthAlarm,
  r.lambdaNoPlaintextSecrets,
];
