// Known IAM privilege-escalation paths, as data. A role is refused when, across ALL its policies,
// it is allowed every action of one entry.
// Sources:
//  [rhino]  Rhino Security Labs, "AWS IAM Privilege Escalation – Methods and Mitigation" (methods 1-21),
//           https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/ and
//           https://github.com/RhinoSecurityLabs/AWS-IAM-Privilege-Escalation
//  [bishop] Bishop Fox, "IAM vulnerable" privilege-escalation paths (CodeBuild, SageMaker, SSM),
//           https://github.com/BishopFox/iam-vulnerable
export interface EscalationCombination {
  id: string;
  actions: string[];
  /** How the combination escalates, for the message. */
  how: string;
  source: "rhino" | "bishop";
}

const c = (id: string, actions: string[], how: string, source: "rhino" | "bishop" = "rhino"): EscalationCombination => ({ id, actions, how, source });

export const ESCALATION_COMBINATIONS: EscalationCombination[] = [
  c("create-policy-version", ["iam:CreatePolicyVersion"], "writes a new default version of a policy attached to it, with any permissions"),
  c("set-default-policy-version", ["iam:SetDefaultPolicyVersion"], "switches a policy to an older, broader version"),
  c("passrole-ec2", ["iam:PassRole", "ec2:RunInstances"], "starts an instance with a more privileged role and reads its credentials"),
  c("create-access-key", ["iam:CreateAccessKey"], "creates access keys for other users"),
  c("create-login-profile", ["iam:CreateLoginProfile"], "sets a console password for other users"),
  c("update-login-profile", ["iam:UpdateLoginProfile"], "changes other users' console passwords"),
  c("attach-user-policy", ["iam:AttachUserPolicy"], "attaches any managed policy (e.g. AdministratorAccess) to a user"),
  c("attach-group-policy", ["iam:AttachGroupPolicy"], "attaches any managed policy to a group"),
  c("attach-role-policy", ["iam:AttachRolePolicy"], "attaches any managed policy to a role, including its own"),
  c("put-user-policy", ["iam:PutUserPolicy"], "writes any inline policy on a user"),
  c("put-group-policy", ["iam:PutGroupPolicy"], "writes any inline policy on a group"),
  c("put-role-policy", ["iam:PutRolePolicy"], "writes any inline policy on a role, including its own"),
  c("add-user-to-group", ["iam:AddUserToGroup"], "joins a more privileged group"),
  c("update-assume-role-policy", ["iam:UpdateAssumeRolePolicy", "sts:AssumeRole"], "rewrites another role's trust policy and assumes it"),
  c("passrole-lambda-invoke", ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"], "creates and runs a function with a more privileged role"),
  c("passrole-lambda-event-source", ["iam:PassRole", "lambda:CreateFunction", "lambda:CreateEventSourceMapping"], "creates a function with a more privileged role and triggers it from an event source"),
  c("update-function-code", ["lambda:UpdateFunctionCode"], "replaces the code of a function that runs with another role"),
  c("passrole-glue-dev-endpoint", ["iam:PassRole", "glue:CreateDevEndpoint"], "creates a Glue dev endpoint with a more privileged role"),
  c("update-glue-dev-endpoint", ["glue:UpdateDevEndpoint"], "adds its SSH key to an existing, more privileged Glue dev endpoint"),
  c("passrole-cloudformation", ["iam:PassRole", "cloudformation:CreateStack"], "creates a stack that runs with a more privileged role"),
  c("passrole-datapipeline", ["iam:PassRole", "datapipeline:CreatePipeline", "datapipeline:PutPipelineDefinition"], "runs commands through a pipeline with a more privileged role"),
  c("passrole-codebuild", ["iam:PassRole", "codebuild:CreateProject", "codebuild:StartBuild"], "runs a build with a more privileged role", "bishop"),
  c("passrole-sagemaker-notebook", ["iam:PassRole", "sagemaker:CreateNotebookInstance", "sagemaker:CreatePresignedNotebookInstanceUrl"], "opens a notebook running with a more privileged role", "bishop"),
  c("ssm-send-command", ["ssm:SendCommand"], "runs commands on instances that have more privileged roles", "bishop"),
];
