import { Data, Either, Redacted, Schema } from "effect"
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

const flags = (args: ReadonlyArray<string>): Either.Either<Map<string, string>, string> => {
  const out = new Map<string, string>()
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (!arg.startsWith("--")) return Either.left(`unexpected argument: ${arg}`)
    const [key, inline] = arg.slice(2).split("=", 2) as [string, string | undefined]
    const value = inline ?? args[++i]
    if (value === undefined) return Either.left(`--${key} needs a value`)
    out.set(key, value)
  }
  return Either.right(out)
}

const only = (opts: Map<string, string>, allowed: ReadonlyArray<string>) => {
  const unknown = [...opts.keys()].filter((k) => !allowed.includes(k))
  return unknown.length > 0 ? Either.left(`unknown option: --${unknown[0]}`) : Either.right(opts)
}
const userOf = (opts: Map<string, string>, command: string) => {
  const user = opts.get("user")
  if (user === undefined) return Either.left(`${command} needs --user EMAIL`)
  return Either.mapLeft(Schema.decodeEither(Email)(user), () => `--user is not a valid email address: ${user}`)
}
const formatOf = (value: string | undefined, file: string): Either.Either<"jsonl" | "json", string> => {
  const format = value ?? (/\.json$/i.test(file) ? "json" : "jsonl")
  return format === "jsonl" || format === "json" ? Either.right(format) : Either.left(`--format must be jsonl or json, not ${format}`)
}

export const parseCommand = (argv: ReadonlyArray<string>): Either.Either<CliCommand, string> => {
  const [name, ...rest] = argv
  switch (name) {
    case "import": {
      const [file, ...options] = rest
      if (file === undefined || file.startsWith("--")) return Either.left("import needs a FILE")
      return Either.gen(function*() {
        const opts = yield* Either.flatMap(flags(options), (o) => only(o, ["user", "collection", "format"]))
        return CliCommand.Import({ file, user: yield* userOf(opts, "import"), collection: opts.get("collection"), format: yield* formatOf(opts.get("format"), file) })
      })
    }
    case "export":
      return Either.gen(function*() {
        const opts = yield* Either.flatMap(flags(rest), (o) => only(o, ["user", "collection", "format", "out"]))
        const format = yield* formatOf(opts.get("format"), opts.get("out") ?? "memories.jsonl")
        return CliCommand.Export({ out: opts.get("out") ?? `memories.${format}`, user: yield* userOf(opts, "export"), collection: opts.get("collection"), format })
      })
    case "migrate":
      return rest.length === 0 ? Either.right(CliCommand.Migrate()) : Either.left("migrate takes no arguments")
    case "create-admin":
      return Either.flatMap(flags(rest), (opts) => {
        const unknown = [...opts.keys()].filter((k) => !["email", "password", "name"].includes(k))
        if (unknown.length > 0) return Either.left(`unknown option: --${unknown[0]}`)
        const email = opts.get("email")
        const password = opts.get("password")
        if (email === undefined) return Either.left("create-admin needs --email")
        if (password === undefined) return Either.left("create-admin needs --password")
        return Either.map(
          Either.mapLeft(Schema.decodeEither(Email)(email), () => `--email is not a valid email address: ${email}`),
          (valid) => CliCommand.CreateAdmin({ email: valid, password: Redacted.make(password), name: opts.get("name") ?? "Administrator" })
        )
      })
    case undefined:
    case "help":
    case "--help":
      return Either.right(CliCommand.Help())
    default:
      return Either.left(`unknown command: ${name}`)
  }
}
