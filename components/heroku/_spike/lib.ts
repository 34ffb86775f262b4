import { z } from "zod";
import { createHash } from "node:crypto";

const thing = () => z.object({ id: z.string(), n: z.number() });

export interface Opts { base: string }

export async function call(path: string): Promise<{ id: string; n: number; h: string }> {
  const base = process.env.SPIKE_BASE ?? "none";
  const parsed = thing().parse({ id: base + path, n: 1 });
  const h = createHash("sha256").update(parsed.id).digest("hex").slice(0, 8);
  return { ...parsed, h };
}
export const unusedConst = { big: "x".repeat(10) };
