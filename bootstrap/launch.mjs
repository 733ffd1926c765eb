// `npm start`, `npm run worker`, `npm run cli`: builds the entry points from the TypeScript sources
// with esbuild (our code bundled, every package left to Node), then runs the one asked for.
//
// Why not tsx, which ran them before: its loader hooks sit on every import, the packages' included.
// Loading the server's application modules took 1.1 s through them and 0.5 s built (bench/startup.ts
// on this 2-core machine; most of what is left is Node evaluating the packages themselves). The build takes about 0.3 s, and runs again only when a
// source file has changed since the last one, so what runs is always the sources as they are now.
//
// Usage: node bootstrap/launch.mjs server|worker|cli [args...]
import { createHash } from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { build } from "esbuild"

const ENTRIES = { server: "bootstrap/server.ts", worker: "bootstrap/worker.ts", cli: "bootstrap/cli.ts" }
const root = fileURLToPath(new URL("..", import.meta.url))
const builds = path.join(root, "node_modules", ".cache", "brainops", "build")

const [name, ...args] = process.argv.slice(2)
if (name === undefined || !Object.hasOwn(ENTRIES, name)) {
  process.stderr.write(`usage: node bootstrap/launch.mjs ${Object.keys(ENTRIES).join("|")} [args...]\n`)
  process.exit(2)
}

/**
 * Files that find things next to themselves (migrations, the embedding worker, the initdb cache) do
 * it from `import.meta.url`: each module keeps its own source file's URL, so they find them where
 * they are in the checkout, not next to the built chunk.
 */
const sourceUrls = {
  name: "source-import-meta-url",
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined
      const text = await fs.promises.readFile(args.path, "utf8")
      return { contents: text.replaceAll("import.meta.url", JSON.stringify(pathToFileURL(args.path).href)), loader: "ts" }
    })
  }
}

/**
 * The sources' fingerprint (every file's path, size and modification time under the four folders,
 * and the manifests): a start with nothing changed since the last build runs that build as it is.
 */
const fingerprint = () => {
  const hash = createHash("sha256")
  for (const file of ["package.json", "package-lock.json", "tsconfig.json", "bootstrap/launch.mjs"]) stamp(hash, file)
  for (const folder of ["domain", "application", "adapters", "bootstrap"]) {
    for (const file of fs.readdirSync(path.join(root, folder), { recursive: true }).map(String).sort()) stamp(hash, path.join(folder, file))
  }
  return hash.digest("hex").slice(0, 16)
}
function stamp(hash, file) {
  const stat = fs.statSync(path.join(root, file), { throwIfNoEntry: false })
  if (stat?.isFile()) hash.update(`${file}:${stat.size}:${stat.mtimeMs}\n`)
}

const digest = fingerprint()
const dir = path.join(builds, digest)
if (!fs.existsSync(dir)) {
  const result = await build({
    absWorkingDir: root,
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([entry, file]) => [entry, path.join(root, file)])),
    bundle: true,
    // Dynamic imports stay lazy chunks: the SDKs of the server profile load only when configured.
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node22",
    packages: "external",
    sourcemap: "linked",
    outdir: "out",
    write: false,
    logLevel: "warning",
    plugins: [sourceUrls]
  })
  // Written whole, then renamed into place: two processes starting at once (a server and a CLI)
  // never run each other's half-written files.
  const staging = `${dir}.${process.pid}.tmp`
  for (const file of result.outputFiles) {
    const target = path.join(staging, path.relative(path.join(root, "out"), file.path))
    fs.mkdirSync(path.dirname(target), { recursive: true })
    fs.writeFileSync(target, file.contents)
  }
  try {
    fs.renameSync(staging, dir)
  } catch (error) {
    // Another process put the same build in place first.
    fs.rmSync(staging, { recursive: true, force: true })
    if (!fs.existsSync(dir)) throw error
  }
  prune()
}

/** Builds of older sources, and leftovers of interrupted ones: all but the newest few, once an hour old. */
function prune() {
  const now = Date.now()
  const others = fs.readdirSync(builds)
    .filter((entry) => entry !== digest)
    .map((entry) => ({ entry, mtime: fs.statSync(path.join(builds, entry)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime)
  for (const [i, { entry, mtime }] of others.entries()) {
    if (i >= 3 && now - mtime > 3_600_000) fs.rmSync(path.join(builds, entry), { recursive: true, force: true })
  }
}

process.setSourceMapsEnabled(true)
// The entry reads its arguments from process.argv as if it had been run itself.
const entry = path.join(dir, `${name}.js`)
process.argv = [process.argv[0], entry, ...args]
await import(pathToFileURL(entry).href)
