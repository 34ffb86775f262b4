import { defineConfig } from "vitest/config";
import { appTestConfig } from "./test/kit/vitest.js";

export default defineConfig(appTestConfig);
