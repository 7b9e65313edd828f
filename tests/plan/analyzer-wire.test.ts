import * as assert from "node:assert/strict";
import * as analyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import { AnalyzerResourceInput, encodeAnalyzerResource, encodeAnalyzeStackRequest, UNKNOWN } from "../../tools/lib/policy-pack-client";

const ROLE: AnalyzerResourceInput = {
  type: "aws:iam/role:Role",
  name: "orders-api-role",
  urn: "urn:pulumi:staging::serverless::serverless:function:ServerlessFunction$aws:iam/role:Role::orders-api-role",
  properties: { name: "orders-api-role-1a2b3c4", assumeRolePolicy: '{"Version":"2012-10-17"}', tags: { team: "orders" }, arn: UNKNOWN, __defaults: ["name"] },
  parent: "urn:pulumi:staging::serverless::serverless:function:ServerlessFunction::orders-api",
  dependencies: ["urn:pulumi:staging::serverless::aws:s3/bucket:Bucket::b"],
  propertyDependencies: { tags: [], assumeRolePolicy: ["urn:pulumi:staging::serverless::aws:s3/bucket:Bucket::b"] },
};
const QUEUE: AnalyzerResourceInput = { type: "aws:sqs/queue:Queue", name: "q", urn: "urn:pulumi:staging::serverless::aws:sqs/queue:Queue::q", properties: { delaySeconds: 0, fifoQueue: false } };

describe("policy pack client: the AnalyzeStack request on the wire", () => {
  it("encodes a resource as the protocol's AnalyzerResource, internal keys and empty dependency lists left out as the CLI does", () => {
    const decoded = analyzerPb.AnalyzerResource.deserializeBinary(encodeAnalyzerResource(ROLE));

    assert.equal(decoded.getType(), ROLE.type);
    assert.equal(decoded.getUrn(), ROLE.urn);
    assert.equal(decoded.getParent(), ROLE.parent);
    assert.deepEqual(decoded.getProperties()!.toJavaScript(), { name: "orders-api-role-1a2b3c4", assumeRolePolicy: '{"Version":"2012-10-17"}', tags: { team: "orders" }, arn: UNKNOWN });
    assert.deepEqual(decoded.getDependenciesList(), ROLE.dependencies);
    assert.deepEqual([...decoded.getPropertydependenciesMap().keys()], ["assumeRolePolicy"]);
  });

  it("builds the request byte for byte as the SDK's own serializer does from the same resources", () => {
    const request = new analyzerPb.AnalyzeStackRequest();
    request.setResourcesList([ROLE, QUEUE].map((r) => analyzerPb.AnalyzerResource.deserializeBinary(encodeAnalyzerResource(r))));

    const ours = encodeAnalyzeStackRequest([ROLE, QUEUE].map(encodeAnalyzerResource));

    assert.deepEqual(new Uint8Array(ours), request.serializeBinary());
    assert.deepEqual(
      analyzerPb.AnalyzeStackRequest.deserializeBinary(ours).getResourcesList().map((r) => r.getName()),
      ["orders-api-role", "q"],
    );
  });

  it("sends an empty stack as an empty request", () => {
    assert.equal(encodeAnalyzeStackRequest([]).length, 0);
  });
});
