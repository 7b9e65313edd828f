import { defineStack } from "./stack";

// The Pulumi entry point (package.json `main`): everything happens in defineStack, so tests and
// the offline plan can run the same program without importing this file.
const outputs = defineStack();

export const apiUrl = outputs.apiUrl;
export const functions = outputs.functions;
