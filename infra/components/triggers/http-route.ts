import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { StackContext } from "../../naming";
import { TriggerTarget } from "./target";

export interface HttpRouteArgs {
  readonly context: StackContext;
  readonly target: TriggerTarget;
  /** The stack's shared HTTP API. */
  readonly api: aws.apigatewayv2.Api;
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** API Gateway route path, e.g. `/orders` or `/orders/{id}`. */
  readonly path: string;
}

export function validateHttpRouteArgs(name: string, a: HttpRouteArgs): void {
  if (!/^\/[A-Za-z0-9/{}_+-]*$/.test(a.path)) throw new Error(`HttpRoute "${name}": \`path\` must start with "/" (an API Gateway route path); got "${a.path}".`);
}

/**
 * One route of the shared HTTP API, proxied (payload 2.0) to the function's `live` alias, and the
 * permission for API Gateway to invoke that alias from this route only, in this account only.
 */
export class HttpRoute extends pulumi.ComponentResource {
  readonly routeKey: string;

  constructor(name: string, args: HttpRouteArgs, opts?: pulumi.ComponentResourceOptions) {
    validateHttpRouteArgs(name, args);
    super("serverless:trigger:HttpRoute", name, {}, opts);
    this.routeKey = `${args.method} ${args.path}`;
    const integration = new aws.apigatewayv2.Integration(
      `${name}-integration`,
      {
        apiId: args.api.id,
        integrationType: "AWS_PROXY",
        integrationMethod: "POST",
        integrationUri: args.target.aliasArn,
        payloadFormatVersion: "2.0",
      },
      { parent: this },
    );
    new aws.apigatewayv2.Route(
      `${name}-route`,
      { apiId: args.api.id, routeKey: this.routeKey, target: pulumi.interpolate`integrations/${integration.id}` },
      { parent: this },
    );
    new aws.lambda.Permission(
      `${name}-permission`,
      {
        action: "lambda:InvokeFunction",
        function: args.target.functionName,
        qualifier: args.target.aliasName,
        principal: "apigateway.amazonaws.com",
        // Any stage, this method and path only. The API id is only known after creation, so
        // sourceAccount (known at preview) is set as well for the policy pack to verify.
        sourceArn: pulumi.interpolate`${args.api.executionArn}/*/${args.method}${args.path}`,
        sourceAccount: args.context.accountId,
      },
      { parent: this },
    );
    this.registerOutputs({ routeKey: this.routeKey });
  }
}
