// The top frames of a V8 .cpuprofile (as `node --cpu-prof` writes, e.g. through BENCH_CPU_PROF), by self
// time, aggregated by function and script; with the inclusive ("total") time of each, counted once per
// sample however deep the recursion.
// Usage: npx tsx bench/support/profile-top.ts FILE [--top 15] [--from S] [--to S] [--by-line] [--match TEXT]
//   --from/--to: only the samples taken that many seconds after the profile started (bench/http.ts prints
//   each target's window); --by-line keeps functions of one name in one script apart; --match: only the
//   frames whose function or script contains TEXT (e.g. "effect/dist/Schema"), ranked the same way;
//   --sort total: rank by inclusive time instead of self time;
//   --callers TEXT [--depth 4]: where the self time of the frames matching TEXT comes from (their
//   callers' chains, --depth frames up, ranked by the time they account for).
import { readFileSync } from "node:fs"
import { parseArgs } from "node:util"

interface CallFrame { readonly functionName: string; readonly url: string; readonly lineNumber: number }
interface ProfileNode { readonly id: number; readonly callFrame: CallFrame; readonly children?: ReadonlyArray<number> }
interface Profile { readonly nodes: ReadonlyArray<ProfileNode>; readonly samples: ReadonlyArray<number>; readonly timeDeltas: ReadonlyArray<number> }

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    top: { type: "string" },
    from: { type: "string" },
    to: { type: "string" },
    "by-line": { type: "boolean" },
    match: { type: "string" },
    callers: { type: "string" },
    sort: { type: "string" },
    depth: { type: "string" }
  }
})
const file = positionals[0]
if (file === undefined) {
  console.error("usage: npx tsx bench/support/profile-top.ts FILE [--top 15] [--from S] [--to S] [--by-line] [--match TEXT]")
  process.exit(2)
}
const top = Number(values.top ?? 15)
const fromUs = values.from === undefined ? -Infinity : Number(values.from) * 1e6
const toUs = values.to === undefined ? Infinity : Number(values.to) * 1e6

const profile = JSON.parse(readFileSync(file, "utf8")) as Profile
const cwd = `file://${process.cwd()}/`
const shortUrl = (url: string) => {
  const inModules = url.lastIndexOf("node_modules/")
  if (inModules >= 0) return url.slice(inModules + "node_modules/".length)
  const worktree = /\/work\/[^/]+\/(.*)$/.exec(url)
  return worktree?.[1] ?? url.replace(cwd, "")
}
const keyOf = (f: CallFrame) =>
  `${f.functionName || "(anonymous)"}  ${shortUrl(f.url)}${values["by-line"] === true || f.functionName === "" ? `:${f.lineNumber + 1}` : ""}`

const byId = new Map(profile.nodes.map((n) => [n.id, n]))
const parent = new Map<number, number>()
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)

const depth = Number(values.depth ?? 4)
const chains = new Map<string, number>()
const self = new Map<string, number>()
const total = new Map<string, number>()
let at = 0
let windowUs = 0
let idleUs = 0
for (let i = 0; i < profile.samples.length; i++) {
  at += profile.timeDeltas[i] ?? 0
  if (at < fromUs || at > toUs) continue
  const delta = profile.timeDeltas[i + 1] ?? 0 // a sample's time runs until the next one
  const node = byId.get(profile.samples[i]!)
  if (node === undefined) continue
  windowUs += delta
  if (node.callFrame.functionName === "(idle)") idleUs += delta
  const key = keyOf(node.callFrame)
  self.set(key, (self.get(key) ?? 0) + delta)
  if (values.callers !== undefined && key.includes(values.callers)) {
    const chain: Array<string> = []
    for (let id = parent.get(node.id); id !== undefined && chain.length < depth; id = parent.get(id)) chain.push(keyOf(byId.get(id)!.callFrame))
    const c = chain.join("\n           < ")
    chains.set(c, (chains.get(c) ?? 0) + delta)
  }
  const seen = new Set<string>()
  for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
    const k = keyOf(byId.get(id)!.callFrame)
    if (!seen.has(k)) {
      seen.add(k)
      total.set(k, (total.get(k) ?? 0) + delta)
    }
  }
}

const busyUs = windowUs - idleUs
const ms = (us: number) => (us / 1000).toFixed(0)
const pct = (us: number) => `${((100 * us) / Math.max(1, busyUs)).toFixed(1)}%`
console.log(`${file}: ${ms(windowUs)} ms sampled${values.from !== undefined || values.to !== undefined ? ` in ${values.from ?? "start"}-${values.to ?? "end"} s` : ""}, ${ms(busyUs)} ms not idle (percentages are of that)`)
const rank = values.sort === "total" ? total : self
const rows = [...rank.entries()]
  .filter(([k]) => !k.startsWith("(idle)") && (values.match === undefined || k.includes(values.match)))
  .sort((a, b) => b[1] - a[1])
  .slice(0, top)
console.log(`${"self ms".padStart(8)} ${"self".padStart(6)} ${"total".padStart(6)}  function  script`)
for (const [key] of rows) {
  const us = self.get(key) ?? 0
  console.log(`${ms(us).padStart(8)} ${pct(us).padStart(6)} ${pct(total.get(key) ?? 0).padStart(6)}  ${key}`)
}
if (values.callers !== undefined) {
  console.log("")
  console.log(`callers of the frames matching "${values.callers}":`)
  for (const [chain, us] of [...chains.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${ms(us).padStart(8)} ${pct(us).padStart(6)}  < ${chain}`)
}
