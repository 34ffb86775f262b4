/**
 * Outputs the real services would compute for the program's resources under
 * the mock runtime (app ids and web URLs, add-on URLs, DNS targets, random
 * bytes), deterministic per resource name, so program tests see a stack as
 * `pulumi up` would leave it.
 */
import { createHash } from "node:crypto";

/** Outputs the real services would compute, deterministic per resource name. */
export function serviceOutputs(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  const digest = (salt: string): string => createHash("sha256").update(`${name}:${salt}`).digest("hex");
  switch (type) {
    case "pulumi-nodejs:dynamic/heroku:App":
      return { appId: `uuid-${inputs["name"]}`, webUrl: `https://${inputs["name"]}-${digest("web").slice(0, 12)}.herokuapp.com/` };
    case "pulumi-nodejs:dynamic/heroku:Addon": {
      const attachment = (inputs["attachmentName"] as string | undefined) ?? "DATABASE";
      return { addonId: `addon-${name}`, configVars: { [`${attachment}_URL`]: `postgres://owner:${digest("pw")}@db.example.net:5432/d${digest("db").slice(0, 8)}` } };
    }
    case "pulumi-nodejs:dynamic/heroku:AddonAttachment":
      return { attachmentId: `att-${name}`, configVars: { [`${inputs["name"]}_URL`]: `postgres://u:${digest("pw")}@db.example.net:5432/shared` } };
    case "pulumi-nodejs:dynamic/heroku:PostgresCredential":
      return { user: `u${digest("user").slice(0, 10)}` };
    case "pulumi-nodejs:dynamic/heroku:Domain":
      return { cname: `${digest("dns").slice(0, 16)}.herokudns.com`, acmStatus: "cert issued" };
    case "random:index/randomBytes:RandomBytes":
      return { hex: digest("hex").slice(0, Number(inputs["length"]) * 2), base64: Buffer.from(digest("b64"), "hex").toString("base64") };
    default:
      return {};
  }
}

