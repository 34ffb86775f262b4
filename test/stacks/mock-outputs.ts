/**
 * Outputs the real services would compute for the program's resources under
 * the mock runtime, deterministic per resource name: app ids and web URLs,
 * add-on and attachment URLs, credentials, domains, random bytes.
 */
import { createHash } from "node:crypto";

const TYPE = {
  app: "pulumi-nodejs:dynamic/heroku:App",
  addon: "pulumi-nodejs:dynamic/heroku:Addon",
  attachment: "pulumi-nodejs:dynamic/heroku:AddonAttachment",
  credential: "pulumi-nodejs:dynamic/heroku:PostgresCredential",
  domain: "pulumi-nodejs:dynamic/heroku:Domain",
  randomBytes: "random:index/randomBytes:RandomBytes",
};

export function serviceOutputs(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  const digest = (salt: string): string => createHash("sha256").update(`${name}:${salt}`).digest("hex");
  switch (type) {
    case TYPE.app:
      return { appId: `uuid-${inputs["name"]}`, webUrl: `https://${inputs["name"]}-${digest("web").slice(0, 12)}.herokuapp.com/` };
    case TYPE.addon: {
      const attachment = (inputs["attachmentName"] as string | undefined) ?? "DATABASE";
      return { addonId: `addon-${name}`, configVars: { [`${attachment}_URL`]: `postgres://owner:${digest("pw")}@db.example.net:5432/d${digest("db").slice(0, 8)}` } };
    }
    case TYPE.attachment:
      return { attachmentId: `att-${name}`, configVars: { [`${inputs["name"]}_URL`]: `postgres://u:${digest("pw")}@db.example.net:5432/shared` } };
    case TYPE.credential:
      return { user: `u${digest("user").slice(0, 10)}` };
    case TYPE.domain:
      return { cname: `${digest("dns").slice(0, 16)}.herokudns.com`, acmStatus: "cert issued" };
    case TYPE.randomBytes:
      return { hex: digest("hex").slice(0, Number(inputs["length"]) * 2), base64: Buffer.from(digest("b64"), "hex").toString("base64") };
    default:
      return {};
  }
}
