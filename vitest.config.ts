import { defineConfig } from "vitest/config"
import { BaseSequencer, type TestSpecification } from "vitest/node"

/**
 * The process tests (tests/bootstrap: real servers, a 50,000-record import) take most of a minute
 * each, in small files. Vitest runs the files it has no timings for largest first, so on a fresh
 * clone (CI) they came last and ran on alone at the end; started first, they run beside the rest.
 */
class ProcessTestsFirst extends BaseSequencer {
  override async sort(files: Array<TestSpecification>): Promise<Array<TestSpecification>> {
    const sorted = await super.sort(files)
    const isProcessTest = (spec: TestSpecification) => spec.moduleId.includes("/tests/bootstrap/")
    return [...sorted.filter(isProcessTest), ...sorted.filter((spec) => !isProcessTest(spec))]
  }
}

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    pool: "forks",
    // Test files share their worker process (two of them) instead of a fresh one each: a run then
    // takes about 260 s instead of 365 s here. Nothing in the code keeps state in modules; the one
    // dependency that does (aws-ses-v2-local's mail store) is emptied by tests/support/local-ses.ts.
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: more workers than that only adds contention (each PGlite is one WASM Postgres).
    maxWorkers: 2,
    sequence: { sequencer: ProcessTestsFirst },
    setupFiles: ["tests/support/setup.ts"],
    globalSetup: ["tests/support/pglite-template.ts"],
    // The AWS SDK warns about Node versions it will stop supporting; the tests do not need to hear it.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" }
  }
})
