import * as fs from "node:fs"
import * as NodeStream from "@effect/platform-node/NodeStream"
import { Console, Effect, Option, Stream } from "effect"
import { startExport, startImport } from "../../application/memory/transfer.js"
import { FileStore } from "../../application/ports/file-store.js"
import { JobQueue } from "../../application/ports/job-queue.js"
import { UserRepository } from "../../application/ports/user-repository.js"
import { ALL_SCOPES, type Actor } from "../../domain/identity/actor.js"
import { isFinished } from "../../domain/jobs/job.js"
import { CollectionId } from "../../domain/memory/memory.js"
import type { CliCommand } from "./commands.js"
import { progressPrinter } from "./progress.js"

/** Runs an import or export as a job for the user named, printing its progress until it ends. */
export const transfer = (command: Extract<CliCommand, { _tag: "Import" | "Export" }>) =>
  Effect.gen(function*() {
    const user = yield* (yield* UserRepository).findByEmail(command.user)
    if (Option.isNone(user)) return yield* Effect.fail(`no user with the email ${command.user}`)
    const actor: Actor = { userId: user.value.id, role: user.value.role, sessionId: Option.none(), apiKeyId: Option.none(), scopes: new Set(ALL_SCOPES) }
    const collectionId = Option.map(Option.fromNullishOr(command.collection), (c) => CollectionId.make(c))
    const started = command._tag === "Import"
      ? yield* Effect.suspend(() => {
        if (!fs.existsSync(command.file)) return Effect.fail(`no such file: ${command.file}`)
        const body = NodeStream.fromReadable({
          evaluate: () => fs.createReadStream(command.file),
          onError: (e) => `cannot read ${command.file}: ${String(e)}`
        })
        return startImport(actor, { body, format: Effect.succeed(command.format), collectionId })
      })
      : yield* startExport(actor, { format: command.format, collectionId })
    const printer = progressPrinter(process.stdout.isTTY === true, (s) => process.stdout.write(s))
    const queue = yield* JobQueue
    const poll = queue.findById(started.id).pipe(
      Effect.map(Option.getOrThrow),
      Effect.tap((j) => Effect.sync(() => printer.update(j.progressDone, Option.getOrNull(j.progressTotal))))
    )
    let job = yield* poll
    while (!isFinished(job.status)) {
      yield* Effect.sleep("250 millis")
      job = yield* poll
    }
    printer.end()
    if (job.status !== "succeeded") {
      return yield* Effect.fail(`the ${command._tag.toLowerCase()} ${job.status}: ${job.errors.at(-1)?.message ?? "no reason given"}`)
    }
    if (command._tag === "Import") {
      const result = job.result as { total: number; imported: number; duplicates: number; invalid: number }
      yield* Console.log(`imported ${result.imported} of ${result.total} records (${result.duplicates} already there, ${result.invalid} invalid)`)
      for (const e of job.errors.slice(0, 20)) yield* Console.log(`  line ${e.line ?? "?"}: ${e.message}`)
      if (job.errorCount > 20) yield* Console.log(`  … and ${job.errorCount - 20} more (GET /api/v1/jobs/${job.id})`)
      return
    }
    const { count, file_key } = job.result as { count: number; file_key: string }
    const stored = yield* (yield* FileStore).get(file_key)
    if (Option.isNone(stored)) return yield* Effect.fail("the export file is missing")
    const out = fs.createWriteStream(command.out)
    yield* Stream.runForEach(stored.value.body, (chunk) => Effect.callback<void>((resume) => void out.write(chunk, () => resume(Effect.void))))
    yield* Effect.callback<void>((resume) => void out.end(() => resume(Effect.void)))
    yield* Console.log(`exported ${count} memories to ${command.out}`)
  })
