import { defineStack } from "./stack";

// The Pulumi entry point (package.json `main`): everything happens in defineStack, so tests and
// the offline plan can run the same program without importing this file. The module's value is
// the promise of the stack outputs (apiUrl, functions, preTrafficHook, pipeline, releaseBucket,
// dashboard, serviceAlarm; see stack-outputs.ts): the nodejs language host awaits a promise the
// program exports and uses what it resolves to as the stack's outputs (cmd/run/run.js).
export = defineStack();
