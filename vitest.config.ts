import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: more workers than that only adds contention (each PGlite is one WASM Postgres).
    maxWorkers: 2,
    minWorkers: 1,
    setupFiles: ["tests/support/setup.ts"],
    // The AWS SDK warns that Node 20 support will end; the tests do not need to say so each time.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" }
  }
})
