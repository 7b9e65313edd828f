// Every rule of the pack, in the order the pack lists them. Importing this starts no server.
export { lambdaRuntimePinned, lambdaRuntimeSupported } from "./lambda-runtime";
export { codebuildImagePinned } from "./codebuild-image-pinned";
export { alarmHasAction } from "./alarm-has-action";
export { lambdaNoPlaintextSecrets } from "./lambda-no-plaintext-secrets";
export { lambdaAlarmsRequired } from "./lambda-alarms-required";
export { codedeployAlarmRollback } from "./codedeploy-alarm-rollback";
export { dlqDepthAlarm } from "./dlq-depth-alarm";
export { iamAbsoluteRules, iamNoPrivilegeExpansion } from "./iam";
