import { Data, Redacted, Result, Schema } from "effect"
import { Email } from "../../domain/identity/user.js"

export type CliCommand = Data.TaggedEnum<{
  Migrate: {}
  CreateAdmin: { readonly email: Email; readonly password: Redacted.Redacted<string>; readonly name: string }
  Import: { readonly file: string; readonly user: Email; readonly collection: string | undefined; readonly format: "jsonl" | "json" }
  Export: { readonly out: string; readonly user: Email; readonly collection: string | undefined; readonly format: "jsonl" | "json" }
  Help: {}
}>
export const CliCommand = Data.taggedEnum<CliCommand>()

export const USAGE = `Usage: npm run cli -- <command> [options]

Commands:
  migrate                                   apply pending database migrations
  create-admin --email E --password P [--name N]
                                            create an administrator, or promote an existing account
                                            (an existing account keeps its password)
  import FILE --user EMAIL [--collection ID] [--format jsonl|json]
                                            import memories from a JSON Lines or JSON file for a user
                                            (as POST /memories/import does), showing progress
  export --user EMAIL [--collection ID] [--format jsonl|json] [--out FILE]
                                            export a user's memories to FILE (default memories.jsonl)
  help                                      show this text`

const flags = (args: ReadonlyArray<string>): Result.Result<Map<string, string>, string> => {
  const out = new Map<string, string>()
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (!arg.startsWith("--")) return Result.fail(`unexpected argument: ${arg}`)
    const [key, inline] = arg.slice(2).split("=", 2) as [string, string | undefined]
    const value = inline ?? args[++i]
    if (value === undefined) return Result.fail(`--${key} needs a value`)
    out.set(key, value)
  }
  return Result.succeed(out)
}

const only = (opts: Map<string, string>, allowed: ReadonlyArray<string>) => {
  const unknown = [...opts.keys()].filter((k) => !allowed.includes(k))
  return unknown.length > 0 ? Result.fail(`unknown option: --${unknown[0]}`) : Result.succeed(opts)
}
const userOf = (opts: Map<string, string>, command: string) => {
  const user = opts.get("user")
  if (user === undefined) return Result.fail(`${command} needs --user EMAIL`)
  return Result.mapError(Schema.decodeResult(Email)(user), () => `--user is not a valid email address: ${user}`)
}
const formatOf = (value: string | undefined, file: string): Result.Result<"jsonl" | "json", string> => {
  const format = value ?? (/\.json$/i.test(file) ? "json" : "jsonl")
  return format === "jsonl" || format === "json" ? Result.succeed(format) : Result.fail(`--format must be jsonl or json, not ${format}`)
}

export const parseCommand = (argv: ReadonlyArray<string>): Result.Result<CliCommand, string> => {
  const [name, ...rest] = argv
  switch (name) {
    case "import": {
      const [file, ...options] = rest
      if (file === undefined || file.startsWith("--")) return Result.fail("import needs a FILE")
      return Result.gen(function*() {
        const opts = yield* Result.flatMap(flags(options), (o) => only(o, ["user", "collection", "format"]))
        return CliCommand.Import({ file, user: yield* userOf(opts, "import"), collection: opts.get("collection"), format: yield* formatOf(opts.get("format"), file) })
      })
    }
    case "export":
      return Result.gen(function*() {
        const opts = yield* Result.flatMap(flags(rest), (o) => only(o, ["user", "collection", "format", "out"]))
        const format = yield* formatOf(opts.get("format"), opts.get("out") ?? "memories.jsonl")
        return CliCommand.Export({ out: opts.get("out") ?? `memories.${format}`, user: yield* userOf(opts, "export"), collection: opts.get("collection"), format })
      })
    case "migrate":
      return rest.length === 0 ? Result.succeed(CliCommand.Migrate()) : Result.fail("migrate takes no arguments")
    case "create-admin":
      return Result.flatMap(flags(rest), (opts) => {
        const unknown = [...opts.keys()].filter((k) => !["email", "password", "name"].includes(k))
        if (unknown.length > 0) return Result.fail(`unknown option: --${unknown[0]}`)
        const email = opts.get("email")
        const password = opts.get("password")
        if (email === undefined) return Result.fail("create-admin needs --email")
        if (password === undefined) return Result.fail("create-admin needs --password")
        return Result.map(
          Result.mapError(Schema.decodeResult(Email)(email), () => `--email is not a valid email address: ${email}`),
          (valid) => CliCommand.CreateAdmin({ email: valid, password: Redacted.make(password), name: opts.get("name") ?? "Administrator" })
        )
      })
    case undefined:
    case "help":
    case "--help":
      return Result.succeed(CliCommand.Help())
    default:
      return Result.fail(`unknown command: ${name}`)
  }
}
