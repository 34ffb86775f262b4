/**
 * Pulumi.yaml as the Pulumi CLI reads it: the project schema's rules for
 * config declarations (type string|integer|boolean|array, arrays with items,
 * nothing else), a description for every declared key, and every flat fleet
 * setting declared.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { z } from "zod";
import { FLEET_KEY_KINDS } from "../../stacks/config-schema";
import { ROOT } from "./fixtures";

const itemsType: z.ZodType = z.lazy(() => z.object({ type: z.enum(["string", "integer", "boolean", "array"]), items: itemsType.optional() }));
const declaration = z.strictObject({
  type: z.enum(["string", "integer", "boolean", "array"]),
  items: itemsType.optional(),
  description: z.string().min(10),
  secret: z.boolean().optional(),
  default: z.unknown().optional(),
});
const project = z.object({
  name: z.string().regex(/^[A-Za-z0-9_.-]+$/),
  runtime: z.object({ name: z.literal("nodejs"), options: z.record(z.string(), z.unknown()) }),
  main: z.string(),
  config: z.record(z.string(), declaration),
});

describe("Pulumi.yaml", () => {
  const file = project.parse(parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")));

  it("names the project fleet and runs stacks/index.ts with tsx", () => {
    expect(file.name).toBe("fleet");
    expect(file.runtime.options).toMatchObject({ typescript: false, nodeargs: "--import tsx" });
    expect(fs.existsSync(path.join(ROOT, file.main))).toBe(true);
  });

  it("declares config the way the project schema allows, arrays with their items", () => {
    for (const [key, decl] of Object.entries(file.config)) {
      if (decl.type === "array") expect(decl.items, key).toBeDefined();
      if (decl.default !== undefined) {
        const expected = { string: "string", integer: "number", boolean: "boolean", array: "object" }[decl.type];
        expect(typeof decl.default, key).toBe(expected);
      }
    }
  });

  it("declares, with a description, every flat fleet setting the program reads", () => {
    const flat = Object.keys(FLEET_KEY_KINDS).filter((k) => !["apps", "databases", "redis"].includes(k));
    expect(Object.keys(file.config).sort()).toEqual(flat.map((k) => `fleet:${k}`).sort());
  });
});
