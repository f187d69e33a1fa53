// An S3-compatible service on loopback for the tests of `restore --storage-s3`: s3rver speaks S3's
// REST protocol (multipart uploads, user metadata, Content-Type and Cache-Control), but it does not
// check SigV4 signatures (its v4 check is a stub). So a gate in front re-signs every request with the
// one key pair it knows, through AWS's own signer (@smithy/signature-v4, what the SDK signs with), and
// answers 403 SignatureDoesNotMatch or AccessDenied as S3 does before anything reaches s3rver.
import { createHash, createHmac } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { SignatureV4 } from "@smithy/signature-v4";
// @ts-expect-error s3rver ships no types; only its constructor, run and close are used.
import S3rver from "s3rver";

/** The only credentials the stand-in accepts (the key id is s3rver's own account; the gate checks the secret). */
export const S3_STANDIN_KEYS = {
  AWS_ACCESS_KEY_ID: "S3RVER",
  AWS_SECRET_ACCESS_KEY: "ownit-test-secret",
  AWS_REGION: "us-east-1",
};

export interface S3Standin {
  endpoint: string;
  /** Requests the gate refused, by S3 error code. */
  refused: string[];
  close(): Promise<void>;
}

const bytes = (data: string | ArrayBuffer | ArrayBufferView): string | Uint8Array =>
  typeof data === "string"
    ? data
    : ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);

/** The hash interface the signer takes, on node:crypto. */
class NodeSha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret ? createHmac("sha256", bytes(secret)) : createHash("sha256");
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }
}

const signer = new SignatureV4({
  credentials: { accessKeyId: S3_STANDIN_KEYS.AWS_ACCESS_KEY_ID, secretAccessKey: S3_STANDIN_KEYS.AWS_SECRET_ACCESS_KEY },
  region: S3_STANDIN_KEYS.AWS_REGION,
  service: "s3",
  sha256: NodeSha256,
  // S3 signs the path as sent (already encoded), as the SDK's S3 client does.
  uriEscapePath: false,
  applyChecksum: false,
});

const AUTH =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

/** The S3 error code for a request, or undefined when its signature is the one our key makes. */
async function refusal(req: http.IncomingMessage): Promise<string | undefined> {
  const m = AUTH.exec(req.headers.authorization ?? "");
  if (!m) return "AccessDenied";
  const [, accessKey, , region, signedHeaders, signature] = m;
  if (accessKey !== S3_STANDIN_KEYS.AWS_ACCESS_KEY_ID) return "InvalidAccessKeyId";
  const url = new URL(req.url ?? "/", "http://placeholder");
  const names = signedHeaders!.split(";");
  const headers: Record<string, string> = {};
  for (const name of names) headers[name] = String(req.headers[name] ?? "");
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of url.searchParams) query[k] = k in query ? ([] as string[]).concat(query[k]!, v) : v;
  const date = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(headers["x-amz-date"] ?? "");
  if (!date) return "AccessDenied";
  const signed = await signer.sign(
    { method: req.method ?? "GET", protocol: "http:", hostname: "placeholder", path: url.pathname, query, headers },
    {
      signingDate: new Date(`${date[1]}-${date[2]}-${date[3]}T${date[4]}:${date[5]}:${date[6]}Z`),
      signingRegion: region,
      signableHeaders: new Set(names),
    },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization ?? signed.headers.Authorization))?.[1];
  return expected === signature ? undefined : "SignatureDoesNotMatch";
}

export async function startS3Standin(buckets: string[]): Promise<S3Standin> {
  const directory = mkdtempSync(path.join(os.tmpdir(), "ownit-s3-"));
  const s3rver = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    vhostBuckets: false,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  const upstream = (await s3rver.run()) as { port: number };
  const refused: string[] = [];
  const gate = http.createServer((req, res) => {
    void refusal(req).then((code) => {
      if (code) {
        refused.push(code);
        req.resume();
        res.writeHead(403, { "content-type": "application/xml" });
        res.end(
          `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>refused by the stand-in</Message></Error>`,
        );
        return;
      }
      const forward = http.request(
        { host: "127.0.0.1", port: upstream.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on("error", (error) => res.destroy(error));
      req.pipe(forward);
    });
  });
  await new Promise<void>((resolve) => gate.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(gate.address() as AddressInfo).port}`,
    refused,
    async close() {
      await new Promise<void>((resolve) => gate.close(() => resolve()));
      await s3rver.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
