import { Logger } from "@aws-lambda-powertools/logger";
import { CodeDeployClient } from "@aws-sdk/client-codedeploy";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { createPreTrafficHook } from "./hook";
// Generated at build time from the function folders (generate-registry.ts, bundled by build.ts).
import { registry } from "./registry.generated";

/**
 * The Lambda entry point of the stack's BeforeAllowTraffic hook (infra/delivery/pre-traffic-hook.ts
 * sets FUNCTION_NAME_PREFIX and VALID_EXAMPLES). Clients are created once per container.
 */
const logger = new Logger({ serviceName: "pre-traffic-hook" });

export const handler = createPreTrafficHook({
  registry,
  codedeploy: new CodeDeployClient({}),
  lambda: new LambdaClient({}),
  log: {
    info: (message, fields) => logger.info(message, fields ?? {}),
    error: (message, fields) => logger.error(message, fields ?? {}),
  },
  // Unset: every check reports Failed naming the variable (a throw here would leave CodeDeploy waiting an hour).
  functionNamePrefix: process.env.FUNCTION_NAME_PREFIX ?? "",
  validExamples: process.env.VALID_EXAMPLES === "skip" ? "skip" : "run",
});
