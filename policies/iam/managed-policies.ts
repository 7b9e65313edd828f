// AWS managed policies the engine knows by ARN, shipped as data.
// `exact: true`  — the document below is the whole policy as AWS publishes it (AWS Managed Policy
//                  Reference Guide, https://docs.aws.amazon.com/aws-managed-policy/latest/reference/),
//                  so the expansion rule compares its statements like any inline policy.
// `exact: false` — AWS revises these often or they are too long to ship; the statements are a
//                  summary used by the absolute rules, and the expansion rule additionally asks for
//                  the ARN itself to be approved in the baseline (`managedPolicyArns`).
import { PolicyDocument } from "./types";

export interface ManagedPolicy {
  exact: boolean;
  /** Refused outright by `iam-no-admin-managed-policy`. */
  admin: boolean;
  document: PolicyDocument;
}

const doc = (...Statement: PolicyDocument["Statement"]): PolicyDocument => ({ Version: "2012-10-17", Statement });
const LOGS = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"];

/** Keyed by policy name (the last segment of `arn:aws:iam::aws:policy/<path><name>`). */
export const MANAGED_POLICIES: Record<string, ManagedPolicy> = {
  AdministratorAccess: { exact: true, admin: true, document: doc({ Effect: "Allow", Action: ["*"], Resource: ["*"] }) },
  PowerUserAccess: {
    exact: false,
    admin: true,
    document: doc(
      { Effect: "Allow", NotAction: ["iam:*", "organizations:*", "account:*"], Resource: ["*"] },
      {
        Effect: "Allow",
        Action: ["iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole", "iam:ListRoles", "organizations:DescribeOrganization", "account:ListRegions", "account:GetAccountInformation"],
        Resource: ["*"],
      },
    ),
  },
  IAMFullAccess: {
    exact: false,
    admin: true,
    document: doc({ Effect: "Allow", Action: ["iam:*", "organizations:Describe*", "organizations:List*"], Resource: ["*"] }),
  },
  ReadOnlyAccess: {
    exact: false,
    admin: false,
    document: doc({
      Effect: "Allow",
      Action: ["*:Get*", "*:List*", "*:Describe*", "*:BatchGet*", "*:Query", "*:Scan", "*:Search*", "*:View*", "*:Lookup*", "*:Select*", "*:Read*"],
      Resource: ["*"],
    }),
  },
  AWSLambdaBasicExecutionRole: { exact: true, admin: false, document: doc({ Effect: "Allow", Action: LOGS, Resource: ["*"] }) },
  AWSXRayDaemonWriteAccess: {
    exact: true,
    admin: false,
    document: doc({
      Effect: "Allow",
      Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets", "xray:GetSamplingStatisticSummaries"],
      Resource: ["*"],
    }),
  },
  AWSLambdaSQSQueueExecutionRole: {
    exact: true,
    admin: false,
    document: doc({ Effect: "Allow", Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", ...LOGS], Resource: ["*"] }),
  },
  AWSLambdaDynamoDBExecutionRole: {
    exact: true,
    admin: false,
    document: doc({
      Effect: "Allow",
      Action: ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams", ...LOGS],
      Resource: ["*"],
    }),
  },
  AWSLambdaVPCAccessExecutionRole: {
    exact: false,
    admin: false,
    document: doc({
      Effect: "Allow",
      Action: [...LOGS, "ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"],
      Resource: ["*"],
    }),
  },
  AWSCodeDeployRoleForLambda: {
    exact: false,
    admin: false,
    document: doc(
      {
        Effect: "Allow",
        Action: ["cloudwatch:DescribeAlarms", "lambda:UpdateAlias", "lambda:GetAlias", "lambda:GetProvisionedConcurrencyConfig", "sns:Publish"],
        Resource: ["*"],
      },
      { Effect: "Allow", Action: ["s3:GetObject", "s3:GetObjectVersion"], Resource: ["arn:aws:s3:::*/CodeDeploy/*"] },
      { Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: ["arn:aws:lambda:*:*:function:CodeDeployHook_*"] },
    ),
  },
};

/** `<Prefix>FullAccess` / `<Prefix>_FullAccess` → the IAM service prefix it grants in full. */
const FULL_ACCESS_SERVICES: Record<string, string> = {
  AmazonS3: "s3",
  AmazonDynamoDB: "dynamodb",
  AmazonSQS: "sqs",
  AmazonSNS: "sns",
  AWSLambda: "lambda",
  AmazonEC2: "ec2",
  CloudWatch: "cloudwatch",
  CloudWatchLogs: "logs",
  AmazonEventBridge: "events",
  AWSStepFunctions: "states",
  AmazonKinesis: "kinesis",
  AWSCodeDeploy: "codedeploy",
  AWSCodePipeline: "codepipeline",
  AWSCodeBuildAdmin: "codebuild",
  AmazonRDS: "rds",
  AmazonECS: "ecs",
  AmazonSSM: "ssm",
  AmazonEC2ContainerRegistry: "ecr",
  AWSXray: "xray",
  AWSCloudFormation: "cloudformation",
  SecretsManager: "secretsmanager",
};

export interface ManagedPolicyLookup {
  name: string;
  /** Undefined when the engine does not know the policy at all (opaque). */
  policy?: ManagedPolicy;
  /** A *FullAccess policy whose service the engine could not map: grants a whole service on `*`. */
  unmappedFullAccess?: boolean;
}

/** Recognises `arn:<partition>:iam::aws:policy/<path><name>`; undefined for customer-managed ARNs. */
export function lookupAwsManagedPolicy(arn: string): ManagedPolicyLookup | undefined {
  const m = /^arn:aws[a-z-]*:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(arn);
  if (!m) return undefined;
  const name = m[1];
  const known = MANAGED_POLICIES[name];
  if (known) return { name, policy: known };
  const fa = /^(.+?)_?FullAccess$/.exec(name);
  if (fa) {
    const service = FULL_ACCESS_SERVICES[fa[1]];
    if (!service) return { name, unmappedFullAccess: true };
    return { name, policy: { exact: false, admin: false, document: doc({ Effect: "Allow", Action: [`${service}:*`], Resource: ["*"] }) } };
  }
  return { name };
}
