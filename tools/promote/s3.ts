import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { createHash } from "crypto";
import { RETRY_SETTINGS } from "../deploy/clients";

/** The release bucket is SSE-S3 (docs/delivery.md); every write says so explicitly. */
export const SERVER_SIDE_ENCRYPTION = "AES256";

export function createS3Client(): S3Client {
  return new S3Client({ ...RETRY_SETTINGS });
}

export const sha256Hex = (data: Buffer | Uint8Array) => createHash("sha256").update(data).digest("hex");
const hexToBase64 = (hex: string) => Buffer.from(hex, "hex").toString("base64");
const base64ToHex = (b64: string) => Buffer.from(b64, "base64").toString("hex");

/**
 * Puts one object with its SHA-256 (S3 recomputes it and refuses the upload on a mismatch, and
 * keeps it, so HeadObject can later answer "what are these bytes" without a download) and
 * `x-amz-server-side-encryption: AES256`.
 */
export async function putVerified(s3: S3Client, bucket: string, key: string, body: Buffer, contentType: string): Promise<string> {
  const sha = sha256Hex(body);
  await s3.send(
    new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType, ChecksumSHA256: hexToBase64(sha), ServerSideEncryption: SERVER_SIDE_ENCRYPTION }),
  );
  return sha;
}

const isNotFound = (e: unknown) => {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return err?.name === "NotFound" || err?.name === "NoSuchKey" || err?.$metadata?.httpStatusCode === 404;
};

/**
 * The sha256 (hex) of an object's bytes, or undefined when there is no such object. Uses the
 * SHA-256 S3 stored at upload (HeadObject with checksum mode), and downloads and hashes the object
 * only when it has none, or only a composite one (a multipart upload's checksum of part checksums,
 * written `<base64>-<parts>`, is not the hash of the bytes).
 */
export async function remoteSha256(s3: S3Client, bucket: string, key: string): Promise<string | undefined> {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: "ENABLED" }));
    if (head.ChecksumSHA256 && !head.ChecksumSHA256.includes("-") && head.ChecksumType !== "COMPOSITE") return base64ToHex(head.ChecksumSHA256);
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!got.Body) throw new Error(`s3://${bucket}/${key}: GetObject returned no body.`);
    return sha256Hex(await got.Body.transformToByteArray());
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}
