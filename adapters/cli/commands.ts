import { Data, Either, Redacted, Schema } from "effect"
import { Email } from "../../domain/identity/user.js"

export type CliCommand = Data.TaggedEnum<{
  Migrate: {}
  CreateAdmin: { readonly email: Email; readonly password: Redacted.Redacted<string>; readonly name: string }
  Help: {}
}>
export const CliCommand = Data.taggedEnum<CliCommand>()

export const USAGE = `Usage: npm run cli -- <command> [options]

Commands:
  migrate                                   apply pending database migrations
  create-admin --email E --password P [--name N]
                                            create an administrator, or promote an existing account
                                            (an existing account keeps its password)
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

export const parseCommand = (argv: ReadonlyArray<string>): Either.Either<CliCommand, string> => {
  const [name, ...rest] = argv
  switch (name) {
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
