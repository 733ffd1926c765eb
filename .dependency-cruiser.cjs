/**
 * The hexagon's one rule: imports point inward only, domain ← application ← adapters ← bootstrap.
 * `npm run depcheck` fails the build on any import that points outward.
 */
module.exports = {
  forbidden: [
    {
      name: "domain-is-pure",
      comment: "domain/ imports nothing but effect and other domain files: no I/O, no frameworks",
      severity: "error",
      from: { path: "^domain/" },
      to: { pathNot: ["^domain/", "^node_modules/effect/"] }
    },
    {
      name: "application-depends-on-domain-only",
      comment: "application/ (use-cases and ports) imports domain/, application/ and effect only: never an adapter",
      severity: "error",
      from: { path: "^application/" },
      to: { pathNot: ["^domain/", "^application/", "^node_modules/effect/"] }
    },
    {
      name: "adapters-do-not-import-bootstrap",
      comment: "adapters/ fill ports; the composition root (bootstrap/) wires them, never the reverse",
      severity: "error",
      from: { path: "^adapters/" },
      to: { path: "^bootstrap/" }
    },
    {
      name: "production-code-does-not-import-tests",
      severity: "error",
      from: { path: "^(domain|application|adapters|bootstrap)/" },
      to: { path: "^(tests|bench)/" }
    },
    {
      name: "in-memory-adapters-are-for-tests",
      comment: "the in-memory adapters exist for tests only: bootstrap must never wire them",
      severity: "error",
      from: { path: "^bootstrap/" },
      to: { path: "^adapters/in-memory/" }
    },
    {
      name: "no-unresolvable-imports",
      severity: "error",
      from: {},
      to: { couldNotResolve: true }
    }
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    // TypeScript 7 (the native compiler) has no JavaScript API for dependency-cruiser to parse with; swc parses TS.
    parser: "swc",
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".js", ".d.ts"]
    }
  }
}
