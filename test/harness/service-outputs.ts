/**
 * Outputs the real services compute for what the program registers (ids,
 * URLs, credentials, issued certificates, releases, random bytes), deterministic per
 * resource name: the mock runtime gives them to the program as the engine
 * would after a deployment.
 */
import { createHash } from "node:crypto";

const T = {
  app: "pulumi-nodejs:dynamic/heroku:App",
  addon: "pulumi-nodejs:dynamic/heroku:Addon",
  attachment: "pulumi-nodejs:dynamic/heroku:AddonAttachment",
  build: "pulumi-nodejs:dynamic/heroku:Build",
  credential: "pulumi-nodejs:dynamic/heroku:PostgresCredential",
  domain: "pulumi-nodejs:dynamic/heroku:Domain",
  randomBytes: "random:index/randomBytes:RandomBytes",
};

/** Outputs the real services would compute, deterministic per resource name. */
export function outputs(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  const digest = (salt: string): string => createHash("sha256").update(`${name}:${salt}`).digest("hex");
  switch (type) {
    case T.app:
      return { appId: `uuid-${inputs["name"]}`, webUrl: `https://${inputs["name"]}-${digest("web").slice(0, 12)}.herokuapp.com/` };
    case T.addon: {
      const attachment = (inputs["attachmentName"] as string | undefined) ?? "DATABASE";
      return { addonId: `addon-${name}`, configVars: { [`${attachment}_URL`]: `postgres://owner:${digest("pw")}@db.example.net:5432/d${digest("db").slice(0, 8)}` } };
    }
    case T.attachment:
      return { attachmentId: `att-${name}`, configVars: { [`${inputs["name"]}_URL`]: `postgres://u:${digest("pw")}@db.example.net:5432/shared` } };
    case T.build: {
      // The release it made (v12); pinned, the release that runs the pin (v13).
      const made = { releaseId: `release-${name}`, releaseVersion: 12 };
      return inputs["pinnedRelease"] === undefined ? made : { ...made, pinReleaseId: `pin-release-${name}`, pinReleaseVersion: 13 };
    }
    case T.credential:
      return { user: `u${digest("user").slice(0, 10)}` };
    case T.domain:
      return { cname: `${digest("dns").slice(0, 16)}.herokudns.com`, acmStatus: "cert issued" };
    case T.randomBytes:
      return { hex: digest("hex").slice(0, Number(inputs["length"]) * 2), base64: Buffer.from(digest("b64"), "hex").toString("base64") };
    default:
      return {};
  }
}
