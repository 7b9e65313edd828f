import { defineStack } from "./stack";

// The Pulumi entry point (package.json `main`): everything happens in defineStack, so tests and
// the offline plan can run the same program without importing this file.
const outputs = defineStack();

export const apiUrl = outputs.apiUrl;
export const functions = outputs.functions;
/** The BeforeAllowTraffic hook `npm run deploy` names in every AppSpec. */
export const preTrafficHook = outputs.preTrafficHook;
export const pipeline = outputs.pipeline;
export const releaseBucket = outputs.releaseBucket;
export const dashboard = outputs.dashboard;
export const serviceAlarm = outputs.serviceAlarm;
